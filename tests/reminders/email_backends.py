"""An e-mail backend that refuses one address, as a mail server does for a bad mailbox."""

import smtplib

from django.core.mail.backends.locmem import EmailBackend

REFUSED = "bob@example.org"


class RefusingBackend(EmailBackend):
    def send_messages(self, messages):
        for message in messages:
            if REFUSED in message.to:
                raise smtplib.SMTPRecipientsRefused(
                    {REFUSED: (550, b"5.1.1 mailbox unavailable")}
                )
        return super().send_messages(messages)
