"""Reference territory shipped with the database (values from the domain brief, section 3).

Used by the data migration ``0002_reference_territory`` and safe to run again:
rows are matched on their codes and updated, never duplicated. National
administrators complete the rest (all 1,503 communes) in the admin or by import.
"""

REGIONS = [
    ("01", "Tanger-Tétouan-Al Hoceïma", "طنجة تطوان الحسيمة"),
    ("02", "L'Oriental", "الشرق"),
    ("03", "Fès-Meknès", "فاس مكناس"),
    ("04", "Rabat-Salé-Kénitra", "الرباط سلا القنيطرة"),
    ("05", "Béni Mellal-Khénifra", "بني ملال خنيفرة"),
    ("06", "Casablanca-Settat", "الدار البيضاء سطات"),
    ("07", "Marrakech-Safi", "مراكش آسفي"),
    ("08", "Drâa-Tafilalet", "درعة تافيلالت"),
    ("09", "Souss-Massa", "سوس ماسة"),
    ("10", "Guelmim-Oued Noun", "كلميم واد نون"),
    ("11", "Laâyoune-Sakia El Hamra", "العيون الساقية الحمراء"),
    ("12", "Dakhla-Oued Ed-Dahab", "الداخلة وادي الذهب"),
]

# (code, region, kind, French, Arabic)
PROVINCES = [
    ("oujda-angad", "02", "prefecture", "Oujda-Angad", "وجدة أنكاد"),
    ("berkane", "02", "province", "Berkane", "بركان"),
    ("driouch", "02", "province", "Driouch", "الدريوش"),
    ("figuig", "02", "province", "Figuig", "فجيج"),
    ("guercif", "02", "province", "Guercif", "جرسيف"),
    ("jerada", "02", "province", "Jerada", "جرادة"),
    ("nador", "02", "province", "Nador", "الناظور"),
    ("taourirt", "02", "province", "Taourirt", "تاوريرت"),
    ("agadir-ida-outanane", "09", "prefecture", "Agadir Ida-Outanane", "أكادير إدا وتنان"),
    ("inezgane-ait-melloul", "09", "prefecture", "Inezgane-Aït Melloul", "إنزكان آيت ملول"),
    ("chtouka-ait-baha", "09", "province", "Chtouka-Aït Baha", "اشتوكة آيت باها"),
    ("taroudant", "09", "province", "Taroudant", "تارودانت"),
    ("tiznit", "09", "province", "Tiznit", "تيزنيت"),
    ("tata", "09", "province", "Tata", "طاطا"),
]

# The seven PRIM pilot communes: (code, province, kind, French, Arabic, population, census year)
PILOT_COMMUNES = [
    ("oujda", "oujda-angad", "urban", "Oujda", "وجدة", 494252, 2014),
    ("nador", "nador", "urban", "Nador", "الناظور", None, None),
    ("berkane", "berkane", "urban", "Berkane", "بركان", None, None),
    ("driouch", "driouch", "urban", "Driouch", "الدريوش", 14741, 2014),
    ("sidi-bibi", "chtouka-ait-baha", "rural", "Sidi Bibi", "سيدي بيبي", 24639, 2004),
    ("ait-amira", "chtouka-ait-baha", "rural", "Aït Amira", "آيت عميرة", 47458, 2004),
    ("belfaa", "chtouka-ait-baha", "rural", "Belfaa", "بلفاع", 22406, 2004),
]
PILOT_CODES = [row[0] for row in PILOT_COMMUNES]


def load_reference_territory(Region, Province, Commune) -> None:  # noqa: N803 (model classes)
    """Create or update the reference rows; takes model classes so migrations can pass theirs."""
    regions = {}
    for code, fr, ar in REGIONS:
        regions[code], _ = Region.objects.update_or_create(
            code=code, defaults={"name_fr": fr, "name_ar": ar}
        )
    provinces = {}
    for code, region, kind, fr, ar in PROVINCES:
        provinces[code], _ = Province.objects.update_or_create(
            code=code,
            defaults={"region": regions[region], "kind": kind, "name_fr": fr, "name_ar": ar},
        )
    for code, province, kind, fr, ar, population, year in PILOT_COMMUNES:
        Commune.objects.update_or_create(
            code=code,
            defaults={
                "province": provinces[province],
                "kind": kind,
                "name_fr": fr,
                "name_ar": ar,
                "population": population,
                "population_year": year,
            },
        )
