"""Background jobs: work that should not hold a page open, run by `pourparler worker`.

Built on django-tasks (the backport of Django 6's ``django.tasks``) and its database
backend, django-tasks-db: a job is a row in the database the application already uses
(SQLite or PostgreSQL), so there is no broker to run. ``tasks.py`` holds the jobs,
``runner.py`` what every job does around its work, ``imports.py`` the queued import.
docs/jobs.md tells the whole story, and the rules:

* a job carries ids and plain values only (its row is not encrypted), and returns
  counts and ids only, never text of a record;
* a job asked for by a person acts as that person, whose access is checked again when
  the job runs (a posting that ended meanwhile: the job does nothing and says so);
* a job writes through the same services as the page it stands for, so the change log
  and the audit chain are the same.
"""
