"""The proportions and vocabulary of the synthetic graph: how many of each kind per company,
the real jurisdictions and accession dates, and the words names are made of."""

from __future__ import annotations

import itertools

from ...graph.schema import load_schema

#: The schema's names for the kind of sources and for ownership (graph/schema.yaml).
SOURCE = load_schema().source_kind
OWNERSHIP = load_schema().ownership

#: Rows per company of the kinds that scale with the number of companies.
RATIOS: dict[str, float] = {
    "Service": 0.5,
    "DataCenter": 0.05,
    "Data": 1.2,
    SOURCE: 1.0,
    "DataRequest": 0.1,
    "Proceeding": 0.05,
    "Law": 0.008,
    "treaty": 0.0008,
    "RequestVolume": 0.02,
}
#: The number of companies that gives about 1M nodes and 3M relationships (about 4 nodes
#: and 12 relationships per company; `reachgraph generate --help` says what drives them).
COMPANIES_FOR_1M = 250_000
#: Share of companies at each depth of the ownership forests (depth 0: ultimate parents).
DEPTHS = (0.12, 0.22, 0.22, 0.18, 0.12, 0.07, 0.04, 0.03)

#: Countries that hold most companies, services and data centres, most first.
HUBS = (
    "US", "IE", "LU", "NL", "GB", "DE", "CN", "IN", "SG", "FR", "JP", "BR", "CH", "CA", "AU",
    "KR", "SE", "BE", "ES", "IT", "KY", "BM", "RU", "ZA", "MX", "PL", "AT",
)  # fmt: skip
SUBDIVISIONS = ("US-CA", "US-NY", "US-TX", "US-WA", "DE-BY", "GB-SCT", "CA-QC", "AU-NSW", "BR-SP")
#: EU members (counting the Communities before the Union) by the day they joined.
EU_ACCESSION = {
    "1958-01-01": "BE DE FR IT LU NL",
    "1973-01-01": "DK IE GB",
    "1981-01-01": "GR",
    "1986-01-01": "ES PT",
    "1995-01-01": "AT FI SE",
    "2004-05-01": "CY CZ EE HU LV LT MT PL SK SI",
    "2007-01-01": "BG RO",
    "2013-07-01": "HR",
}
EU_LEFT = {"GB": "2020-02-01"}
CURRENCIES = {
    "US": "USD", "GB": "GBP", "IN": "INR", "BR": "BRL", "RU": "RUB", "CN": "CNY", "JP": "JPY",
    "CH": "CHF", "CA": "CAD", "AU": "AUD", "KR": "KRW", "SE": "SEK", "PL": "PLN", "DK": "DKK",
}  # fmt: skip
CITIES = {
    "US": ("Ashburn", "Dallas", "San Jose"), "IE": ("Dublin", "Clonee"), "LU": ("Bettembourg",),
    "NL": ("Amsterdam", "Eemshaven"), "DE": ("Frankfurt",), "GB": ("London", "Slough"),
    "SG": ("Singapore",), "FR": ("Paris", "Marseille"), "JP": ("Tokyo",), "IN": ("Mumbai",),
    "CN": ("Guiyang",), "BE": ("Saint-Ghislain",), "FI": ("Hamina",), "SE": ("Lulea",),
}  # fmt: skip

CATEGORIES = ("content", "traffic", "subscriber", "location", "business_records")
#: Every set of one or two categories (what a body of data holds).
DATA_CATEGORY_SETS = tuple(
    "|".join(c) for size in (1, 2) for c in itertools.combinations(CATEGORIES, size)
)
BASES = ("territoriality", "presence", "service_targeting", "control", "data_subject")
#: How often each basis is a rule's first (or only) one.
BASIS_WEIGHTS = (0.3, 0.15, 0.2, 0.2, 0.15)
STRENGTHS = ("absolute", "unless_channel", "qualified")
PRESENCE_KINDS = ("branch", "agency", "office", "establishment", "legal_representative")
#: Territories with their own legal order, and the state they are a territory of.
TERRITORIES = {
    "GL": "DK", "FO": "DK", "AW": "NL", "CW": "NL", "PR": "US", "GU": "US", "GI": "GB",
    "BM": "GB", "KY": "GB", "VG": "GB", "NC": "FR", "PF": "FR",
}  # fmt: skip
REQUEST_KINDS = (
    "order", "warrant", "production_order", "preservation_order", "mlat_request",
    "interception_demand", "subpoena", "blocking_order",
)  # fmt: skip
STATUSES = ("complied", "refused", "partly", "pending", "moot")
EFFECTS = ("affirms", "reverses", "vacates", "partly_reverses", "remands", "dismisses")
OUTCOMES = (
    "order upheld", "order quashed", "fine imposed", "fine upheld", "fine reduced",
    "request refused", "remitted for a new hearing", "appeal dismissed",
)  # fmt: skip
LEGAL_FORMS = ("Inc.", "Ltd", "GmbH", "S.A.", "S.à r.l.", "B.V.", "AB", "Pty Ltd", "LLC", "SAS")
WORDS = (
    "Nordic", "Atlas", "Blue", "Vertex", "Quantum", "Lumen", "Harbor", "Cedar", "Polar",
    "Summit", "Orbit", "Delta", "Nimbus", "Civic", "Aurora", "Granite", "Meridian", "Pioneer",
    "Signal", "Beacon", "Cobalt", "Falcon", "Willow", "Ember", "Horizon", "Keystone",
)  # fmt: skip
PRODUCTS = (
    "Mail", "Chat", "Cloud", "Drive", "Photos", "Maps", "Talk", "Video", "Social", "Pay",
    "Search", "Docs", "Meet",
)  # fmt: skip
TOPICS = (
    "Criminal Procedure", "Data Protection", "Telecommunications", "Blocking", "Electronic "
    "Evidence", "Interception", "Cybercrime", "Data Localisation",
)  # fmt: skip
PUBLISHERS = (
    "Official Journal of the European Union", "Federal Register", "Court registry",
    "Moniteur belge", "Reuters", "The Register", "Le Soir", "Legifrance", "Bundesgesetzblatt",
)  # fmt: skip
SOURCE_TITLES = ("Judgment", "Official Journal entry", "News report", "Statute text", "Filing")
#: Authorities of each state after its courts: (authority_kind, name).
OTHER_AUTHORITIES = (
    ("investigating_judge", "Investigating Judge"),
    ("prosecutor", "Public Prosecutor"),
    ("police", "Police"),
    ("regulator", "Data Protection Authority"),
    ("ministry", "Ministry of Justice"),
    ("legislature", "Parliament"),
)
#: Of those, the ones that issue requests.
ISSUERS = 4
#: Columns that may hold commas or quotes; the CSV writer quotes them where needed.
_TEXT = {"name", "title", "publisher", "city", "outcome", "citation", "docket"}
