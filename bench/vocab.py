"""Fictional vocabulary for the synthetic news generator: people, places, organisations.

Everything here is invented. Lists are combined (first x last names, place prefixes x
suffixes, ...) so a corpus of a million articles still has tens of thousands of distinct
people and thousands of distinct places: entity overlap between unrelated articles must
stay rare, or every pair of articles would look related to a detector.
"""

from __future__ import annotations

import random

FIRST_NAMES: tuple[str, ...] = tuple(
    """
    Alina Bruno Carla Dmitri Elena Farid Greta Hamid Ines Jonas Katya Leon Mirela Nikolai
    Olga Pavel Quentin Rosa Stefan Tamsin Ugo Vera Wendell Ximena Yusuf Zora Adele Basil
    Cyrus Delia Emil Flora Gideon Hattie Ivo Jolene Kasimir Lorna Milo Nadia Orson Petra
    Rufus Sabine Thaddeus Una Viktor Wilma Yara Zeno Ambrose Bettina Corin Dagny Eamon Fenna
    Gustav Helga Ingram Juno Kester Liesel Magnus Noor Oona Perrin Quilla Rowan Selma Tobias
    Ulla Vance Winona Xavi Yvette Zelda Anouk Benedikt Cosima Dario Edda Felix Gemma Hugo Ilse
    Jasper Kirsi Lucan Maren Nils Odile Piers Ramona Silas Tilde Umberto Valka Wren Yannick
    Aurelio Brigid Caspar Dorit Elio Freya Gaspard Hester Imre Jorah Kaia Lenz Mireille Nestor
    Ottilie Priya Rasmus Saskia Teodor Ulrike Vasco Willa Xenia Yolanda Zoltan Amara Bastian
    Celeste Dorian Esme Florin Ginevra Halvard Isolde Joaquin Keziah Linus Marisol Nerys Osric
    Philippa Ravi Solveig Tancredi Ursa Valentin Wanda Yevgenia Zuri Adaeze Bogdan Calla
    Desmond Eira Fabian Gwendolyn Horatio Ione Jarek Kalinda Leopold Malin Neville Oriana
    Pascal Rhoda Severin Thea Ulric Verity Waleed Yasmin Zdenek Agnese Barnaby Clio Darius
    Elspeth Florian Greer Henrik Idris Jovana Kaspar Lavinia Marek Nuala Octavia Percival
    Rhiannon Sigrid Torvald Uriel Vesna Wolfram Yelena Zaid Annika Caius Delphine Evander
    Fiora Gunnar Harriet Ignatius Jessamy Konrad Leontine Matthias Nerissa Ottavio Pernille
    Roderick Sunniva Tristan Valeria Wystan Ysolde Alaric Briony Cormac Dinah Emrys Fleur
    Griffin Honora Ivor Jemima Kilian Lucasta Mordecai Nell Oswin Perpetua Ronan Seraphina
    """.split()
)

LAST_NAMES: tuple[str, ...] = tuple(
    """
    Petrovska Halloran Okonkwo Lindqvist Marchetti Vasquez Abernathy Brannigan Castellano
    Drummond Ekwueme Faraday Galloway Hollister Iglesias Jablonski Kowalczyk Larkspur
    Mendelsohn Nakashima Oyelaran Pemberton Quaresma Rosenqvist Szabo Thornbury Uchenna
    Valcourt Whitlock Yamashiro Zielinski Ashcombe Belmonte Carraway Delacroix Esterhazy
    Fairbanks Grimaldi Haverford Ibarra Jankowski Kilbride Lachance Montague Novak Ostrowski
    Pellegrino Quist Radcliffe Saltonstall Trevisan Underhill Vukovic Wainwright Yardley
    Zamora Achterberg Blackwood Cordero Dunmore Eriksen Fontaine Goodfellow Hargreave Ivers
    Jovanovic Kessler Lombardi Maclaren Nordstrom Oakhurst Penhallow Ravensworth Sandoval
    Tolliver Umeh Verhoeven Wexford Ystrom Zaragoza Albright Borowski Crosland Dimitrov
    Etherington Falconer Gastineau Holmquist Inverarity Jessup Kapoor Lavalle Moreau
    Nightingale Orsini Palacios Rutherford Stavros Tremaine Urquhart Villanueva Westerman
    Yilmaz Zeller Amundsen Blanchard Calloway Devereux Eastwood Ferreira Gunderson Halvorsen
    Ionescu Jaramillo Kirkland Lockhart Mirza Northcott Osei Prendergast Ramsay Szymanski
    Thistlewood Ulloa Vandermeer Whitcombe Yoshida Zubiri Aldana Bexley Chakraborty Dorsey
    Engstrom Fitzwilliam Guerrero Hawksworth Ishikawa Jolliffe Karlsson Lindgren Mbeki
    Nicolaides Ogunleye Quintero Rasmussen Sorensen Tanaka Uribe Vogel Winterbottom Yeboah
    Zhukov Arbuthnot Bellweather Cavendish Danforth Elmhurst Foxworth Greystone Hallett
    Ingleby Jardine Kittredge Lowther Marlowe Netherby Oldcastle Pickering Quennell Redfern
    Stainforth Tennant Upshaw Vane Wolcott Aberdale Brightwater Coldwell Dunstan Everly
    Fenwick Gilchrist Holloway Ironside Kingsley Langdon Merriweather Norwood Osgood Pryce
    Ridgeway Stockwell Thackeray Underwood Varley Whitmore Ashdown Birchall Claymore
    Darrow Emberly Frostwick Garrow Heathcote Ivanova Keswick Loxley Mayhew Nettleton
    Orchard Pennington Quayle Rookwood Sallow Tregarth Vickery Warrender Yelland Zanetti
    """.split()
)

# Place names are built from a stem and an ending, so there are thousands of them.
PLACE_STEMS: tuple[str, ...] = tuple(
    """
    Ash Bram Carn Dun Eld Fal Glen Hart Ivy Kel Lark Mar Nor Oak Pen Quar Raven Sel Thorn Ul
    Vale West Yar Alder Bel Cold Drey Elm Fern Grey Hal Iron Kin Lin Mill Ny Orm Pine Red
    Stan Tre Wex Brook Cal Dor Est Fox Gor Holm Kes Lyn Mor Ne Ox Pol Ros Sil Tal Wyn Ard
    Bry Clay Dew Ever Frost Gil Hay Lang Mere Nether Ot Rook Sand Stow Tam Wil Amber Birch
    """.split()
)
PLACE_ENDS: tuple[str, ...] = tuple(
    """
    bridge ford ton field wick mouth bury haven stead ley dale port wood gate hill moor
    mere minster holt thorpe combe worth by cester vale burn shaw crest
    """.split()
)
COUNTRIES: tuple[str, ...] = tuple(
    """
    Valdoria Kestria Norland Amberia Sorvania Tarvos Meridia Ostrava Calvenna Drevnia Elaris
    Faronia Gallowen Istria Jarnvik Lumeria Morvath Nerevia Orlenia Pelagos Quorvia Rhenmark
    Savrosa Teluria Ulvania Verenthia Wessmark Zarathia
    """.split()
)
REGION_KINDS: tuple[str, ...] = ("County", "Province", "District", "Valley", "Region")
ORG_KINDS: tuple[str, ...] = (
    "Holdings", "Group", "Industries", "Systems", "Partners", "Logistics", "Energy", "Foods",
    "Networks", "Biotech", "Motors", "Mining", "Pharmaceuticals", "Capital", "Robotics",
    "Airlines", "Textiles", "Semiconductors", "Shipping", "Retail",
)
ORG_WORDS: tuple[str, ...] = tuple(
    """
    Apex Borealis Cobalt Delta Ember Fulcrum Granite Helix Indigo Juniper Keystone Lumen
    Meridian Nimbus Onyx Pinnacle Quartz Radiant Sable Tundra Umbra Vertex Willow Zenith
    Aster Beacon Cinder Driftwood Equinox Falcon Garnet Harbor Iris Jade Kestrel Lodestar
    """.split()
)
PARTIES: tuple[str, ...] = (
    "Civic Renewal Party", "People's Alliance", "Green Future Party", "Liberal Union",
    "Progressive Front", "Conservative League", "Workers' Movement", "Citizens' Coalition",
    "Reform Party", "Democratic Forum", "National Unity Party", "Social Democrats",
)
TEAM_MASCOTS: tuple[str, ...] = tuple(
    """
    Falcons Rovers Wolves Comets Mariners Stags Hornets Pilots Foxes Titans Ravens Harriers
    Lancers Badgers Otters Herons Bulls Voyagers Miners Kestrels
    """.split()
)
WEEKDAYS: tuple[str, ...] = (
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
)
MONTHS: tuple[str, ...] = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)
ORDINALS: tuple[str, ...] = ("second", "third", "fourth", "fifth", "sixth")

# Per-event-type fact values that are not names or numbers.
ISSUES: tuple[str, ...] = (
    "housing costs", "public transport", "school funding", "road repairs", "policing",
    "water quality", "property taxes", "childcare", "homelessness", "local jobs",
    "hospital waiting times", "flood defenses", "park maintenance", "rent controls",
)
OFFICES: tuple[str, ...] = ("mayor", "governor", "district commissioner", "council president")
FIRE_CAUSES: tuple[str, ...] = (
    "a downed power line", "a campfire left unattended", "a lightning strike",
    "sparks from farm machinery", "a vehicle fire on the highway", "an electrical fault",
)
CHARGES: tuple[str, ...] = (
    "fraud", "embezzlement", "bribery", "money laundering", "arson", "assault",
    "tax evasion", "insider trading", "manslaughter", "extortion",
)
PRODUCTS: tuple[str, ...] = (
    "cloud software", "electric vans", "frozen meals", "battery cells", "medical scanners",
    "cargo drones", "solar panels", "smart meters", "running shoes", "budget flights",
)
QUARTERS: tuple[str, ...] = ("first quarter", "second quarter", "third quarter", "fourth quarter")
STORM_KINDS: tuple[str, ...] = ("Storm", "Hurricane", "Cyclone", "Tropical Storm")
SCIENCE_TOPICS: tuple[str, ...] = (
    "sleep and memory", "coral bleaching", "soil bacteria", "bird migration",
    "battery chemistry", "antibiotic resistance", "glacier melt", "bee navigation",
    "deep-sea fungi", "urban heat", "child language learning", "muscle repair",
)
JOURNALS: tuple[str, ...] = (
    "the Journal of Applied Biology", "Frontiers in Earth Systems", "the Review of Cell Science",
    "Planetary Letters", "the Annals of Public Health", "Materials Today Reports",
)
TREATY_KINDS: tuple[str, ...] = (
    "trade accord", "fisheries agreement", "border treaty", "energy partnership",
    "water-sharing pact", "security agreement", "visa arrangement", "climate compact",
)
DIPLO_TOPICS: tuple[str, ...] = (
    "tariffs on steel", "shared river basins", "fishing quotas", "border crossings",
    "gas pipelines", "student exchanges", "customs checks", "refugee returns",
)
CRIMES: tuple[str, ...] = (
    "armed robbery", "jewelry store heist", "warehouse burglary", "car theft ring",
    "bank break-in", "art theft", "cargo hijacking", "pharmacy robbery",
)
DISEASES: tuple[str, ...] = (
    "measles", "a respiratory virus", "norovirus", "whooping cough", "a strain of influenza",
    "hepatitis A", "a stomach bug", "dengue fever",
)
STREET_KINDS: tuple[str, ...] = ("Street", "Road", "Avenue", "Lane", "Boulevard", "Drive")


def pick(seq: tuple[str, ...], rng: random.Random) -> str:
    """rng.choice without its overhead (this is called hundreds of times per article)."""
    return seq[int(rng.random() * len(seq))]


def person(rng: random.Random) -> str:
    """A full name: ~280 x ~230 combinations, so collisions between articles are rare."""
    return f"{pick(FIRST_NAMES, rng)} {pick(LAST_NAMES, rng)}"


def place(rng: random.Random) -> str:
    return pick(PLACE_STEMS, rng) + pick(PLACE_ENDS, rng)


def region(rng: random.Random) -> str:
    return f"{place(rng)} {pick(REGION_KINDS, rng)}"


def org(rng: random.Random) -> str:
    return f"{pick(ORG_WORDS, rng)} {pick(ORG_KINDS, rng)}"


def university(rng: random.Random) -> str:
    p = place(rng)
    return rng.choice(
        (f"the University of {p}", f"{p} University", f"the {p} Institute of Technology")
    )


def team(rng: random.Random) -> str:
    return f"{place(rng)} {pick(TEAM_MASCOTS, rng)}"


def street(rng: random.Random) -> str:
    return f"{pick(LAST_NAMES, rng)} {pick(STREET_KINDS, rng)}"


def _outlet_domains() -> tuple[str, ...]:
    # A fixed list (own seed) so outlet names are stable across corpus seeds.
    rng = random.Random(20240611)
    mastheads = (
        "herald", "tribune", "gazette", "courier", "chronicle", "observer", "post", "times",
        "ledger", "sentinel", "dispatch", "record", "examiner", "journal", "star", "bulletin",
    )
    out: set[str] = set()
    while len(out) < 220:
        out.add(f"{place(rng).lower()}{rng.choice(mastheads)}.com")
    return tuple(sorted(out))


def _farm_domains() -> tuple[str, ...]:
    rng = random.Random(99173)
    a = ("trend", "viral", "daily", "buzz", "hot", "top", "quick", "insta", "mega", "fresh")
    b = ("news", "stories", "headlines", "updates", "report", "feed", "wire", "digest")
    c = ("hub", "zone", "now", "24", "online", "world", "central", "365", "today", "plus")
    out: set[str] = set()
    while len(out) < 48:
        out.add(f"{rng.choice(a)}{rng.choice(b)}{rng.choice(c)}.{rng.choice(('com', 'net'))}")
    return tuple(sorted(out))


OUTLETS: tuple[str, ...] = _outlet_domains()
FARMS: tuple[str, ...] = _farm_domains()
