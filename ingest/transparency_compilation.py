"""The compilation the transparency-report table comes from (ingest/transparency.py reads
it): its columns, its providers and the graph's companies they are, the compilers' caveats,
and the country names it uses."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pycountry

#: The columns read, by role; the file may hold others, which are ignored.
COLUMNS = {
    "id": "ID",
    "provider": "Service Provider",
    "year": "Year",
    "period": "Period",
    "country": "Country",
    "requests": "User Data Requests",
    "disclosed": "Number of Requests where some data was disclosed (content or non content)",
    "rate": "Percentage of Requests where some data was disclosed (content or non content)",
    "accounts": "Users/Accounts Specified",
}

#: The compilation the figures were read in (github.com/ali-ce/datasets, first committed on
#: 2014-11-17). The providers' reports carry no publication date in it, so each report's
#: Source takes this date: the day by which it had surely been published (a later date
#: than the real one, never an earlier one, so "as known on" answers never claim too much).
COMPILATION = {
    "key": "src-ali-ce-transparency-reports-2009-2013",
    "title": "Transparency Reports 2009-2013: government requests for user data, "
    "compiled from the providers' transparency reports",
    "publisher": "ali-ce/datasets (GitHub)",
    "date": "2014-11-17",
    "url": "https://github.com/ali-ce/datasets/tree/master/TransparencyReports",
}


@dataclass(frozen=True)
class Provider:
    key: str
    name: str
    url: str | None = None


#: Providers as the compilation names them -> the graph's companies. The first six are in
#: data/reference/companies.yaml; the others are created (with their report as source).
PROVIDERS = {
    "Google": Provider(
        "google-llc", "Google LLC", "http://www.google.com/transparencyreport/userdatarequests/"
    ),
    "Microsoft": Provider(
        "microsoft-corporation",
        "Microsoft Corporation",
        "http://www.microsoft.com/about/corporatecitizenship/en-us/reporting/transparency/",
    ),
    "Facebook": Provider(
        "meta-platforms-inc",
        "Meta Platforms, Inc.",
        "https://www.facebook.com/about/government_requests",
    ),
    "Yahoo": Provider("yahoo-inc", "Yahoo! Inc.", "http://info.yahoo.com/transparency-report/"),
    "LinkedIn": Provider(
        "linkedin-corporation",
        "LinkedIn Corporation",
        "http://help.linkedin.com/app/answers/detail/a_id/21733/related/1",
    ),
    "Apple": Provider(
        "apple-inc",
        "Apple Inc.",
        "http://images.apple.com/pr/pdf/131105reportongovinforequests3.pdf",
    ),
    "Twitter": Provider("twitter-inc", "Twitter, Inc.", "https://transparency.twitter.com/"),
    "Tumblr": Provider("tumblr-inc", "Tumblr, Inc.", "http://transparency.tumblr.com/"),
    "Verizon": Provider(
        "verizon-communications-inc",
        "Verizon Communications Inc.",
        "http://transparency.verizon.com/",
    ),
    "LeaseWeb": Provider(
        "leaseweb", "LeaseWeb", "http://blog.leaseweb.com/category/transparancy-report/"
    ),
    "Wordpress": Provider(
        "automattic-inc", "Automattic Inc. (WordPress.com)", "http://transparency.automattic.com/"
    ),
    "Sonic.net": Provider(
        "sonic-net-inc",
        "Sonic.net, Inc.",
        "https://corp.sonic.net/ceo/2012/04/13/transparency-report/",
    ),
    "Dropbox": Provider("dropbox-inc", "Dropbox, Inc.", "https://www.dropbox.com/transparency"),
    "CREDO": Provider(
        "credo-mobile", "CREDO Mobile", "http://www.credomobile.com/misc/transparency.aspx"
    ),
    "CloudFlare": Provider(
        "cloudflare-inc", "CloudFlare, Inc.", "https://www.cloudflare.com/transparency"
    ),
    "AT&T": Provider(
        "att-inc",
        "AT&T Inc.",
        "http://about.att.com/content/csr/home/frequently-requested-info/governance/"
        "transparencyreport.html",
    ),
    "Comcast": Provider(
        "comcast-corporation",
        "Comcast Corporation",
        "http://corporate.comcast.com/images/Comcast-Transparency-Report-March-2014-FINAL-FINAL.pdf",
    ),
    "Pinterest": Provider(
        "pinterest-inc",
        "Pinterest, Inc.",
        "https://pinterest.zendesk.com/entries/41361803-Transparency-Report-Archive",
    ),
    "Telstra": Provider(
        "telstra-corporation-limited",
        "Telstra Corporation Limited",
        "http://exchange.telstra.com.au/wp-content/uploads/2014/03/Transparency-Report_2014.pdf",
    ),
}

#: (provider, year) whose yearly figure the compilers halved into two half-years.
HALVED_FROM_YEARLY = {
    ("AT&T", 2013),
    ("CloudFlare", 2013),
    ("CREDO", 2013),
    ("Dropbox", 2012),
    ("Dropbox", 2013),
    ("Sonic.net", 2011),
    ("Sonic.net", 2012),
    ("Microsoft", 2012),
    ("Tumblr", 2013),
    ("Verizon", 2013),
}

#: The provider that published "<10", and the value the compilers wrote for it.
ESTIMATING_PROVIDER = "Twitter"
ESTIMATE = 5.5

#: Country names pycountry does not look up -> ISO 3166 codes. Kosovo has no ISO 3166-1
#: code: XK, the user-assigned code the EU and the IMF use, which the validator accepts.
COUNTRY_EXCEPTIONS = {
    "Ivory Coast": "CI",
    "Kosovo": "XK",
    "Macau": "MO",
    "Macedonia": "MK",
    "Palestinian Authority": "PS",
    "Russia": "RU",
    "Turkey": "TR",
    "Vatican City": "VA",
}

#: Codes created as `territory` rather than `state` when the store lacks them.
TERRITORIES = {"HK", "MO", "GL", "PF", "TF", "VG"}


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def country_code(name: str) -> str | None:
    """The ISO 3166 code of an English country name, or None if unknown."""
    if name in COUNTRY_EXCEPTIONS:
        return COUNTRY_EXCEPTIONS[name]
    try:
        return str(pycountry.countries.lookup(name).alpha_2)
    except LookupError:
        return None


def provider(name: str) -> Provider:
    return PROVIDERS.get(name) or Provider(slug(name), name)
