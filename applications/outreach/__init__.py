"""Before the deadline: a round's public questions and answers, its informational
webinars and its timeline.

A package of the ``applications`` app (its models carry that app label and its
migrations live there) with the usual layer files: ``rules`` (the timeline and
the question cut-off, no database), ``services`` (every write), ``selectors``,
``forms``, ``views``, ``urls``, ``admin``, ``calendar`` (iCalendar files),
``links`` (the personal links its e-mails carry, made when they are sent),
``reminders`` (the webinar reminder, one more scan of the reminder rules),
``demo``.
"""
