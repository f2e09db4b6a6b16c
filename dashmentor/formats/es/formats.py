# The portal's Spanish formats: the day before the month, a 24-hour clock, and
# the decimal point of Puerto Rico and the United States (Django's own "es" is
# Spain's: a decimal comma and a space between thousands).
DATE_FORMAT = r"j \d\e F \d\e Y"
DATETIME_FORMAT = r"j \d\e F \d\e Y, H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "j b"
YEAR_MONTH_FORMAT = r"F \d\e Y"
SHORT_DATE_FORMAT = "j b Y"
SHORT_DATETIME_FORMAT = "j b Y, H:i"
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
FIRST_DAY_OF_WEEK = 0  # Sunday, as calendars in Puerto Rico show it

NAMED = {
    "date": r"j \d\e F \d\e Y",
    "short_date": "j b Y",
    "month_day": "j b",
    "month_year": r"F \d\e Y",
    "time": "H:i",
    "datetime": r"j \d\e F \d\e Y, H:i",
    "datetime_tz": r"j \d\e F \d\e Y, H:i T",
    "short_datetime": "j b Y, H:i",
    "short_datetime_tz": "j b Y, H:i T",
    "month_day_time_tz": "j b, H:i T",
    "day_month_time": r"j \d\e F \d\e Y, H:i",
    "day_short_time": "j b Y, H:i",
    "weekday_date": r"l j \d\e F \d\e Y",
    "weekday_datetime": r"l j \d\e F \d\e Y, H:i",
    "weekday_datetime_tz": r"l j \d\e F \d\e Y, H:i T",
    "short_weekday_time_tz": "D j b, H:i T",
    "short_weekday_datetime": "D j b Y · H:i",
    "short_weekday_datetime_tz": "D j b Y · H:i T",
    "weekday_day_month": r"l j \d\e F \d\e Y",
    "weekday_day_month_time": r"l j \d\e F \d\e Y, H:i",
    "short_weekday_day_time": "D j b Y, H:i",
    "short_datetime_zone": "j b Y, H:i T",
}
