"""Company surveys (組織サーベイ): an organisation's own career ownership, round by round.

Owns company surveys and their rounds, rosters (keyed employee codes, contacts, engagement),
round responses and drafts, participation counts, each closed round's one publication, the
trend, the consortium distribution, the disclosure, and their pages, API and CLI commands. It
lends the collection rooms its survey links and mail (registered when the app is built,
crossover.modules). Rooms built on it (focus) add to its trend page through trend_context
(crossover.company.dashboard).

May import: the collection rooms (surveys, instruments, outbox), the foundation (privacy,
analysis, catalogue, auth, audit), web, config, db, extensions and waves. Never pilots,
mentoring, reports, evidence or focus.
"""
