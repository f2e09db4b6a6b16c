"""E-mail backends for in-process tests: one that refuses on demand."""

import smtplib

from django.core.mail.backends.locmem import EmailBackend as LocmemBackend


class RefusingBackend(LocmemBackend):
    """Locmem, except that it answers the next ``refuse`` sends with ``reply``."""

    refuse = 0
    reply = (451, b"4.3.0 Try again later")
    opened = 0

    def open(self):
        type(self).opened += 1
        return super().open()

    def send_messages(self, messages):
        if type(self).refuse > 0:
            type(self).refuse -= 1
            code, text = type(self).reply
            raise smtplib.SMTPDataError(code, text)
        return super().send_messages(messages)
