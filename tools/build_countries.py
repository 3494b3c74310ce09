"""Build config/countries.toml from pycountry and countryinfo plus our reviewed corrections.

Run once by hand (``python tools/build_countries.py > config/countries.toml``); the output
is reviewed and committed, and from then on the committed file is the source of truth.
The corrections below are what the review found: common English names, short forms that
news uses, demonyms and compound prefixes, capitals and seats used for the state, and
forms dropped because they mislead (two-letter codes, shared demonyms, risky capitals).
"""

from __future__ import annotations

import json
import sys
import unicodedata

import pycountry
from countryinfo import CountryInfo

# The 193 member states of the United Nations.
UN_MEMBERS = [
    "AFG",
    "ALB",
    "DZA",
    "AND",
    "AGO",
    "ATG",
    "ARG",
    "ARM",
    "AUS",
    "AUT",
    "AZE",
    "BHS",
    "BHR",
    "BGD",
    "BRB",
    "BLR",
    "BEL",
    "BLZ",
    "BEN",
    "BTN",
    "BOL",
    "BIH",
    "BWA",
    "BRA",
    "BRN",
    "BGR",
    "BFA",
    "BDI",
    "CPV",
    "KHM",
    "CMR",
    "CAN",
    "CAF",
    "TCD",
    "CHL",
    "CHN",
    "COL",
    "COM",
    "COG",
    "CRI",
    "CIV",
    "HRV",
    "CUB",
    "CYP",
    "CZE",
    "PRK",
    "COD",
    "DNK",
    "DJI",
    "DMA",
    "DOM",
    "ECU",
    "EGY",
    "SLV",
    "GNQ",
    "ERI",
    "EST",
    "SWZ",
    "ETH",
    "FJI",
    "FIN",
    "FRA",
    "GAB",
    "GMB",
    "GEO",
    "DEU",
    "GHA",
    "GRC",
    "GRD",
    "GTM",
    "GIN",
    "GNB",
    "GUY",
    "HTI",
    "HND",
    "HUN",
    "ISL",
    "IND",
    "IDN",
    "IRN",
    "IRQ",
    "IRL",
    "ISR",
    "ITA",
    "JAM",
    "JPN",
    "JOR",
    "KAZ",
    "KEN",
    "KIR",
    "KWT",
    "KGZ",
    "LAO",
    "LVA",
    "LBN",
    "LSO",
    "LBR",
    "LBY",
    "LIE",
    "LTU",
    "LUX",
    "MDG",
    "MWI",
    "MYS",
    "MDV",
    "MLI",
    "MLT",
    "MHL",
    "MRT",
    "MUS",
    "MEX",
    "FSM",
    "MCO",
    "MNG",
    "MNE",
    "MAR",
    "MOZ",
    "MMR",
    "NAM",
    "NRU",
    "NPL",
    "NLD",
    "NZL",
    "NIC",
    "NER",
    "NGA",
    "MKD",
    "NOR",
    "OMN",
    "PAK",
    "PLW",
    "PAN",
    "PNG",
    "PRY",
    "PER",
    "PHL",
    "POL",
    "PRT",
    "QAT",
    "KOR",
    "MDA",
    "ROU",
    "RUS",
    "RWA",
    "KNA",
    "LCA",
    "VCT",
    "WSM",
    "SMR",
    "STP",
    "SAU",
    "SEN",
    "SRB",
    "SYC",
    "SLE",
    "SGP",
    "SVK",
    "SVN",
    "SLB",
    "SOM",
    "ZAF",
    "SSD",
    "ESP",
    "LKA",
    "SDN",
    "SUR",
    "SWE",
    "CHE",
    "SYR",
    "TJK",
    "THA",
    "TLS",
    "TGO",
    "TON",
    "TTO",
    "TUN",
    "TUR",
    "TKM",
    "TUV",
    "UGA",
    "UKR",
    "ARE",
    "GBR",
    "TZA",
    "USA",
    "URY",
    "UZB",
    "VUT",
    "VEN",
    "VNM",
    "YEM",
    "ZMB",
    "ZWE",
]
# Non-member observer states.
UN_OBSERVERS = ["VAT", "PSE"]
# States outside the UN that news treats as parties to bilateral ties.
OTHER_STATES = ["TWN", "XKX"]

# Reviewed corrections: keys replace the generated value (``aliases`` extends it).
FIX: dict[str, dict[str, object]] = {
    "AFG": {"demonyms": ["Afghan"]},
    "ARE": {
        "name": "United Arab Emirates",
        "abbreviations": ["UAE", "U.A.E."],
        "aliases": ["the Emirates"],
        "demonyms": ["Emirati"],
        "capitals": ["Abu Dhabi"],
    },
    "ARG": {"capitals": ["Buenos Aires"], "seats": ["Casa Rosada"]},
    "AUS": {"demonyms": ["Australian"], "capitals": ["Canberra"], "prefixes": ["Australo"]},
    "AUT": {"prefixes": ["Austro"], "seats": ["Ballhausplatz"]},
    "AZE": {"capitals": ["Baku"]},
    "BEL": {"capitals": [], "prefixes": ["Belgo"]},
    "BGD": {
        "demonyms": ["Bangladeshi"],
        "aliases": ["B'desh"],
        "prefixes": ["Bangla"],
        "seats": ["Bangabhaban"],
    },
    "BHS": {"name": "Bahamas", "aliases": ["The Bahamas"], "capitals": []},
    "BIH": {
        "name": "Bosnia and Herzegovina",
        "aliases": ["Bosnia-Herzegovina", "Bosnia"],
        "abbreviations": ["BiH"],
    },
    "BOL": {"name": "Bolivia", "capitals": ["La Paz", "Sucre"]},
    "BRA": {"capitals": ["Brasília", "Brasilia"], "seats": ["Itamaraty", "Planalto"]},
    "BRN": {"name": "Brunei", "aliases": ["Brunei Darussalam"]},
    "CAF": {"demonyms": ["Central African"]},
    "CHE": {"demonyms": ["Swiss"], "capitals": ["Bern"]},
    "CHL": {"capitals": ["Santiago"], "seats": ["La Moneda", "Palacio de La Moneda"]},
    "CHN": {
        "abbreviations": ["PRC"],
        "aliases": ["Mainland China"],
        "prefixes": ["Sino"],
        "seats": ["Zhongnanhai"],
    },
    "CIV": {
        "name": "Côte d'Ivoire",
        "aliases": ["Ivory Coast", "Cote d'Ivoire"],
        "capitals": ["Yamoussoukro", "Abidjan"],
    },
    "CMR": {"demonyms": ["Cameroonian"]},
    "COD": {
        "name": "DR Congo",
        "aliases": [
            "Democratic Republic of the Congo",
            "Democratic Republic of Congo",
            "Congo-Kinshasa",
            "DR Congo",
        ],
        "abbreviations": ["DRC", "DRCongo"],
        "demonyms": [],
    },
    "COG": {
        "name": "Republic of the Congo",
        "aliases": ["Congo-Brazzaville", "Republic of Congo", "Congo Republic"],
        "demonyms": [],
    },
    "CPV": {"name": "Cape Verde", "aliases": ["Cabo Verde"], "demonyms": ["Cape Verdean"]},
    "COL": {"seats": ["Casa de Nariño", "Casa de Narino"]},
    "CUB": {"capitals": ["Havana"]},
    "DJI": {"demonyms": ["Djiboutian"]},
    "TJK": {"demonyms": ["Tajik", "Tajikistani"]},
    "CZE": {
        "name": "Czechia",
        "aliases": ["Czech Republic"],
        "prefixes": ["Czecho"],
        "seats": ["Prague Castle", "Černín Palace", "Czernin Palace"],
    },
    "DEU": {
        "demonyms": ["German"],
        "prefixes": ["Germano"],
        "capitals": ["Berlin"],
        "seats": [
            "Bundeskanzleramt",
            "Kanzleramt",
            "Auswärtiges Amt",
            "Schloss Bellevue",
            "Bellevue Palace",
        ],
    },
    "DMA": {"demonyms": [], "capitals": []},
    "DOM": {"demonyms": ["Dominican"]},
    "ECU": {"seats": ["Carondelet", "Carondelet Palace", "Palacio de Carondelet"]},
    "EGY": {"capitals": ["Cairo"], "seats": ["Ittihadiya", "Ittihadiya Palace"]},
    "ESP": {"prefixes": ["Hispano"], "seats": ["Moncloa"]},
    "FJI": {"demonyms": ["Fijian"]},
    "FRA": {
        "prefixes": ["Franco"],
        "seats": ["Élysée", "Elysee", "Élysée Palace", "Elysee Palace", "Quai d'Orsay"],
    },
    "FSM": {"name": "Micronesia", "aliases": ["Federated States of Micronesia"]},
    "GBR": {
        "name": "United Kingdom",
        "aliases": ["Britain", "Great Britain"],
        "abbreviations": ["UK", "U.K."],
        "demonyms": ["British"],
        "prefixes": ["Anglo"],
        "seats": ["Downing Street", "Whitehall"],
    },
    "GEO": {"capitals": ["Tbilisi"]},
    "GMB": {"name": "Gambia", "aliases": ["The Gambia"]},
    "GNB": {"demonyms": ["Bissau-Guinean"]},
    "GNQ": {"demonyms": ["Equatoguinean", "Equatorial Guinean"]},
    "GRC": {"prefixes": ["Greco", "Graeco"], "seats": ["Maximos Mansion"]},
    "GRD": {"capitals": []},
    "GUY": {"capitals": []},
    "HUN": {"prefixes": ["Hungaro"]},
    "IDN": {"capitals": ["Jakarta"], "seats": ["Merdeka Palace", "Istana Merdeka"]},
    "IND": {
        "aliases": ["Bharat", "Bhārat"],
        "prefixes": ["Indo"],
        "capitals": ["New Delhi", "Delhi"],
        "seats": ["South Block", "Raisina Hill", "Rashtrapati Bhavan"],
    },
    "IRN": {"name": "Iran", "aliases": ["Persia", "Islamic Republic"], "prefixes": ["Irano"]},
    "IRQ": {"demonyms": ["Iraqi"]},
    "ISR": {"capitals": ["Jerusalem", "Tel Aviv"]},
    "ITA": {
        "prefixes": ["Italo"],
        "seats": ["Farnesina", "Palazzo Chigi", "Quirinale", "Quirinal Palace"],
    },
    "JAM": {"capitals": []},
    "JPN": {"prefixes": ["Japano", "Nippo"], "seats": ["Kasumigaseki", "Kantei"]},
    "KAZ": {"capitals": ["Astana"], "seats": ["Akorda", "Ak Orda"]},
    "KGZ": {"name": "Kyrgyzstan", "aliases": ["Kyrgyz Republic"], "demonyms": ["Kyrgyz"]},
    "KNA": {
        "name": "Saint Kitts and Nevis",
        "aliases": ["St Kitts and Nevis", "St. Kitts and Nevis"],
    },
    "KOR": {
        "name": "South Korea",
        "aliases": ["Republic of Korea", "Korea, Republic of"],
        "abbreviations": ["ROK", "RoK"],
        "demonyms": ["South Korean"],
        "seats": ["Blue House", "Yongsan", "Cheong Wa Dae"],
    },
    "KWT": {"demonyms": ["Kuwaiti"]},
    "LAO": {"name": "Laos", "aliases": ["Lao PDR"], "demonyms": ["Lao", "Laotian"]},
    "LCA": {"name": "Saint Lucia", "aliases": ["St Lucia", "St. Lucia"]},
    "LKA": {"demonyms": ["Sri Lankan"], "capitals": ["Colombo"], "prefixes": ["Lanka"]},
    "MDA": {"name": "Moldova"},
    "MDV": {"capitals": ["Malé"]},
    "MEX": {"capitals": ["Mexico City"]},
    "MKD": {"name": "North Macedonia", "aliases": ["Macedonia"], "demonyms": ["North Macedonian"]},
    "MMR": {
        "aliases": ["Burma"],
        "demonyms": ["Myanmar", "Burmese"],
        "capitals": ["Naypyidaw", "Naypyitaw", "Nay Pyi Taw"],
    },
    "MUS": {"capitals": ["Port Louis"]},
    "MYS": {"aliases": ["M'sia"]},
    "NGA": {"capitals": ["Abuja"], "seats": ["Aso Rock"]},
    "NLD": {
        "name": "Netherlands",
        "aliases": ["The Netherlands", "Holland"],
        "demonyms": ["Dutch"],
        "capitals": [],
    },
    "NZL": {
        "abbreviations": ["NZ"],
        "demonyms": ["New Zealand"],
        "capitals": ["Wellington"],
        "seats": ["Beehive"],
    },
    "PAK": {"abbreviations": ["Pak"], "demonyms": ["Pakistani"]},
    "PHL": {
        "demonyms": ["Philippine", "Filipino"],
        "seats": ["Malacañang", "Malacanang"],
        "abbreviations": ["PH"],
    },
    "PNG": {"abbreviations": ["PNG"], "demonyms": ["Papua New Guinean"]},
    "PER": {"seats": ["Torre Tagle"]},
    "POL": {"prefixes": ["Polono"]},
    "PRK": {
        "name": "North Korea",
        "aliases": [
            "Democratic People's Republic of Korea",
            "Korea, Democratic People's Republic of",
            "Hermit Kingdom",
        ],
        "abbreviations": ["DPRK", "N.K."],
        "demonyms": ["North Korean"],
    },
    "PRT": {"prefixes": ["Luso"]},
    "PSE": {
        "name": "Palestine",
        "aliases": ["State of Palestine"],
        "demonyms": ["Palestinian"],
        "capitals": ["Ramallah"],
    },
    "QAT": {"capitals": ["Doha"]},
    "ROU": {"seats": ["Cotroceni", "Cotroceni Palace"]},
    "RUS": {
        "name": "Russia",
        "aliases": ["Russian Federation", "Rossiya"],
        "prefixes": ["Russo"],
        "seats": ["Kremlin", "Smolenskaya Square"],
    },
    "SAU": {"demonyms": ["Saudi"], "abbreviations": ["KSA"], "capitals": ["Riyadh"]},
    "SGP": {"capitals": [], "aliases": ["S'pore"]},
    "SRB": {"prefixes": ["Serbo"]},
    "STP": {"name": "São Tomé and Príncipe", "aliases": ["Sao Tome and Principe"]},
    "SWZ": {"name": "Eswatini", "aliases": ["Swaziland"], "capitals": ["Mbabane", "Lobamba"]},
    "SYC": {"capitals": []},
    "SYR": {"name": "Syria"},
    "TCD": {"demonyms": ["Chadian"]},
    "TLS": {
        "name": "Timor-Leste",
        "aliases": ["East Timor"],
        "demonyms": ["Timorese", "East Timorese"],
    },
    "TUR": {
        "name": "Turkey",
        "aliases": ["Türkiye", "Turkiye", "Republic of Türkiye", "Republic of Turkey"],
        "prefixes": ["Turco", "Turko"],
        "seats": ["Beştepe", "Bestepe"],
    },
    "TWN": {
        "name": "Taiwan",
        "aliases": ["Republic of China", "Chinese Taipei"],
        "demonyms": ["Taiwanese"],
        "capitals": ["Taipei"],
    },
    "TZA": {"name": "Tanzania", "capitals": ["Dodoma", "Dar es Salaam"]},
    "UKR": {"capitals": ["Kyiv", "Kiev"], "seats": ["Bankova"]},
    "USA": {
        "name": "United States",
        "aliases": ["United States of America", "America"],
        "abbreviations": ["US", "U.S.", "USA", "U.S.A."],
        "demonyms": ["American"],
        "capitals": ["Washington", "Washington, D.C.", "Washington DC"],
        "seats": ["White House", "Pentagon", "State Department", "Foggy Bottom"],
    },
    "VAT": {
        "name": "Holy See",
        "aliases": ["Vatican", "Vatican City"],
        "demonyms": [],
        "capitals": [],
    },
    "VCT": {
        "name": "Saint Vincent and the Grenadines",
        "aliases": ["St Vincent and the Grenadines"],
    },
    "VEN": {"name": "Venezuela", "seats": ["Miraflores Palace", "Palacio de Miraflores"]},
    "VNM": {
        "name": "Vietnam",
        "aliases": ["Viet Nam", "Việt Nam"],
        "capitals": ["Hanoi", "Hà Nội"],
    },
    "XKX": {
        "name": "Kosovo",
        "aliases": ["Republic of Kosovo"],
        "demonyms": ["Kosovar"],
        "capitals": ["Pristina", "Prishtina"],
    },
    "YEM": {"demonyms": ["Yemeni"]},
    "ZAF": {"capitals": ["Pretoria"], "demonyms": ["South African"]},
    "ZWE": {"capitals": ["Harare"]},
}

# Demonyms news uses besides countryinfo's one.
MORE_DEMONYMS: dict[str, list[str]] = {
    "ARG": ["Argentine"],
    "AZE": ["Azeri"],
    "BFA": ["Burkinabè"],
    "BLR": ["Belarussian", "Belorussian"],
    "BWA": ["Botswanan"],
    "ECU": ["Ecuadorian"],
    "ISL": ["Icelandic"],
    "KAZ": ["Kazakh"],
    "KGZ": ["Kyrgyzstani"],
    "LUX": ["Luxembourgish"],
    "MDV": ["Maldivian"],
    "NPL": ["Nepali"],
    "SLV": ["Salvadorean"],
    "SUR": ["Surinamese"],
    "SVK": ["Slovakian"],
    "SVN": ["Slovenian"],
    "TKM": ["Turkmenistani"],
    "UZB": ["Uzbek"],
}

# Alternative spellings from countryinfo that mislead in running text.
DROP_ALIASES = {
    "Congo",
    "Korea",
    "Lao",
    "Georgia",
    "Sakartvelo",
    "Éire",
    # English words, first names, demonyms or fragments rather than names of the state
    "Island",
    "Thai",
    "Prathet",
    "Togolese",
    "Montenegrin",
    "Mexicanos",
    "Portuguesa",
    "Dominique",
    "Viti",
    "Nippon",
    "Nihon",
}


def latin(text: str) -> bool:
    """True when every letter is Latin script, so English text may use it."""
    for ch in text:
        if "\u0250" <= ch <= "\u02ff":
            return False  # phonetic transcriptions, not names
        if ch.isalpha() and "LATIN" not in unicodedata.name(ch, ""):
            return False
    return True


def info(code: str) -> dict[str, object]:
    try:
        data: dict[str, object] = CountryInfo(code).info()
    except Exception:
        return {}
    return data


def build(code: str, status: str) -> dict[str, object]:
    fix = FIX.get(code, {})
    rec = pycountry.countries.get(alpha_3=code)
    data = info(code)
    py_name = getattr(rec, "common_name", None) or getattr(rec, "name", None)
    name = str(fix.get("name") or py_name or data.get("name") or code)
    official = [getattr(rec, "official_name", None)] if rec is not None else []
    alts = [str(a) for a in data.get("altSpellings", []) or []]  # type: ignore[attr-defined]
    aliases: list[str] = []
    for form in [getattr(rec, "name", None), data.get("name"), *official, *alts]:
        if not isinstance(form, str):
            continue
        form = form.strip()
        if len(form) <= 3 or not latin(form):
            continue
        if form.startswith("the "):
            form = form[4:]
        if form in DROP_ALIASES or form == name or form in aliases:
            continue
        aliases.append(form)
    for form in fix.get("aliases", []):  # type: ignore[attr-defined]
        if form not in aliases and form != name:
            aliases.append(form)
    demonym = str(data.get("demonym") or "")
    demonyms = list(fix.get("demonyms", [d.strip() for d in demonym.split(",") if d.strip()]))  # type: ignore[call-overload]
    demonyms += [d for d in MORE_DEMONYMS.get(code, []) if d not in demonyms]
    capital = str(data.get("capital") or "")
    capitals = fix.get("capitals", [capital] if capital else [])
    return {
        "code": code,
        "alpha2": getattr(rec, "alpha_2", "") if rec is not None else "",
        "name": name,
        "status": status,
        "aliases": aliases,
        "abbreviations": fix.get("abbreviations", []),
        "demonyms": demonyms,
        "prefixes": fix.get("prefixes", []),
        "capitals": capitals,
        "seats": fix.get("seats", []),
    }


def toml_list(values: object) -> str:
    assert isinstance(values, list)
    return "[" + ", ".join(json.dumps(v, ensure_ascii=False) for v in values) + "]"


def main() -> None:
    out = sys.stdout
    out.write(
        "# Countries known to partnership-watch: every UN member and observer state, plus\n"
        "# Taiwan and Kosovo. Built once from pycountry and countryinfo by\n"
        "# tools/build_countries.py, then reviewed by hand; edit this file, not the output\n"
        "# of the script. See docs/extraction.md for what each field means.\n"
    )
    rows = [(c, "member") for c in UN_MEMBERS]
    rows += [(c, "observer") for c in UN_OBSERVERS]
    rows += [(c, "other") for c in OTHER_STATES]
    for code, status in sorted(rows):
        r = build(code, status)
        out.write("\n[[country]]\n")
        for key in ("code", "alpha2", "name", "status"):
            out.write(f"{key} = {json.dumps(r[key], ensure_ascii=False)}\n")
        for key in ("aliases", "abbreviations", "demonyms", "prefixes", "capitals", "seats"):
            if r[key]:
                out.write(f"{key} = {toml_list(r[key])}\n")


if __name__ == "__main__":
    main()
