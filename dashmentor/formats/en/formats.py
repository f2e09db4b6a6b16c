# The portal's English formats (United States): Django's own "en" for the
# standard ones, and these kinds of date the pages name
# (``{{ value|when:"weekday_datetime" }}``).
NAMED = {
    "date": "F j, Y",
    "short_date": "M j, Y",
    "month_day": "M j",
    "month_year": "F Y",
    "time": "g:i A",
    "datetime": "F j, Y, g:i A",
    "datetime_tz": "F j, Y, g:i A T",
    "short_datetime": "M j, Y g:i A",
    "short_datetime_tz": "M j, Y, g:i A T",
    "month_day_time_tz": "M j, g:i A T",
    "day_month_time": "j F Y, H:i",
    "day_short_time": "j M Y, g:i A",
    "weekday_date": "l, F j, Y",
    "weekday_datetime": "l, F j, Y, g:i A",
    "weekday_datetime_tz": "l, F j, Y, g:i A T",
    "short_weekday_time_tz": r"D M j \a\t g:i A T",
    "short_weekday_datetime": "D, M j, Y · g:i A",
    "short_weekday_datetime_tz": "D, M j, Y · g:i A T",
    "weekday_day_month": "l j F Y",
    "weekday_day_month_time": "l j F Y, g:i A",
    "short_weekday_day_time": "D j M Y, g:i A",
    "short_datetime_zone": "M j, Y g:i A T",
}
