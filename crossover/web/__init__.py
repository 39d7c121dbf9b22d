"""The request edge: what every page and API call goes through before and after a room's view.

Owns input hygiene (input), JSON bodies, form fields and number parsing (forms), CSV upload
reading and template files (csv_upload, csv_template), the OpenAPI blueprint and schema base
(api), domain errors and their JSON and page forms (errors), messages named by visible labels
(messages, labels), confirmations of irreversible steps, downloads, security headers, the
locale (i18n), template helpers (ui) and SQLite write transactions (transactions).

May import: config, db, extensions and waves at the package root, and nothing of any room. What
it needs from a room (an option's label, a subscale's name) the room lends it when the app is
built (crossover.web.labels).
"""
