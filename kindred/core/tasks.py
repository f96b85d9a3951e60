"""The e-mail task's former dotted path (it lives in kindred.lib.mail now).

The database task backend stores each queued task by its dotted path, and its worker imports
that path when it runs the task: an e-mail queued under this path before an upgrade, and not yet
sent, must still go out. New code imports kindred.lib.mail. Nothing else belongs here.
"""

from kindred.lib.mail import send_email

__all__ = ["send_email"]
