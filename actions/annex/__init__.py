"""The PAC annex: a bilingual, print-ready PDF of a cycle's gender and migration actions.

``data.gather_annex`` reads, ``render`` prints (WeasyPrint) and caches, ``views`` serves.
"""

# The annex exists in the two working languages of Moroccan communes.
LANGUAGES = ("fr", "ar")
