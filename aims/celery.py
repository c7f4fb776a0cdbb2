"""The Celery application. Without REDIS_URL tasks run in-process (settings)."""

import os

from celery import Celery, Task

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aims.settings.base")


class SystemActorTask(Task):
    """Runs every task as the named system actor, so its changes are attributed in the change log."""

    def __call__(self, *args, **kwargs):
        from aims.context import acting_as_system

        with acting_as_system(self.name):
            return super().__call__(*args, **kwargs)


app = Celery("aims", task_cls=SystemActorTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
