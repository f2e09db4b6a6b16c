"""Date, time and number formats of each language the portal speaks.

``settings.FORMAT_MODULE_PATH`` names this package: Django reads the standard
formats (``DATE_FORMAT``...) of ``<language>/formats.py`` before its own, and
the ``when`` template filter (``dashmentor/templatetags/dates.py``) reads
``NAMED`` for the portal's own kinds of date (a weekday with a time, a date
with its time zone...), so each page writes the kind and each language orders
it its own way: "Thursday, March 5, 2026, 2:00 PM" and "jueves 5 de marzo de
2026, 14:00".
"""
