# Arabic as written in Moroccan administration: Western digits 0-9, day/month/year,
# 24-hour time, and thousands grouped with a space as in French: a narrow no-break space
# (U+202F), not U+00A0. For the bidirectional algorithm U+00A0 is white space, so inside
# Arabic text "64 000 درهم" was shown as "000 64 درهم"; U+202F is a number separator, and
# keeps the figure in one piece (the PAC annex uses it for the same reason).
DATE_FORMAT = "j F Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y، H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
FIRST_DAY_OF_WEEK = 1
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
DATETIME_INPUT_FORMATS = ["%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"]
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\u202f"
NUMBER_GROUPING = 3
