"""Small-group suppression shared by every published figure: pilot reports, the evidence board,
company survey results, trends and disclosures.

Owns the search that withholds groups under K and, against an attacker who combines published
groups by sums and differences, the complementary groups (privacy.suppression), and the ordered
groups of at least K that dose and engagement values are cut into.

May import: nothing of crossover (numpy and scipy only): it sees groups and memberships, never a
table or a study.
"""
