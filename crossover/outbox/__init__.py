"""The outbox: every e-mail recorded before it is sent, and the worker's delivery of it.

Survey invitations and reminders come from mail sources the studies register
(crossover.outbox.sources: pilots, company survey rounds); account mail (setup and reset links)
from crossover.auth (crossover.auth.accounts.mail). The outbox owns the queue (models), which
mail is due and when (due), claims and leases (claims), sending and its outcomes (delivery), the
progress shown on pages (progress), the mailer, and the helpers pages show mail with (templating).

May import: the foundation (crossover.db, config, extensions, auth) and the collection rooms,
never a study (pilots, mentoring, company, reports, evidence, focus): a study implements
MailSource in its own room and registers it when the app is built (crossover.modules).
"""
