"""Word lists of the rule engine: jobs, places, languages, pets, diets, vehicles, health, names.

Pure data (standard library only). Every list here is a *baseline choice* written by hand for
the detector and tuned on the development split of ``detection/eval/`` (never the test split);
the gazetteer and alias tables cover common English-language usage, not the whole world.
"""

from __future__ import annotations

# ----------------------------------------------------------------------------------------------
# Numbers
# ----------------------------------------------------------------------------------------------

UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    "a dozen": 12, "dozen": 12, "a couple": 2, "couple": 2, "a decade": 10, "decade": 10,
}
# Count words that are not numbers on their own ("a son", "no kids", "an only child").
COUNT_WORDS = {"a": 1, "an": 1, "one": 1, "a single": 1, "single": 1, "only one": 1, "no": 0, "zero": 0,
               "none": 0, "any": 0, "both": 2, "twins": 2}
TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}
# A number 0..99 written in words ("thirty-four", "thirty four", "nineteen", "a dozen"); tens and
# teens come before units so that "seventy" is not read as "seven".
NUMBER_WORDS = (
    r"(?:(?:twenty|thirty|forty|fourty|fifty|sixty|seventy|eighty|ninety)"
    r"(?:[-\s](?:one|two|three|four|five|six|seven|eight|nine)\b)?"
    r"|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|zero"
    r"|one|two|three|four|five|six|seven|eight|nine|a\s+dozen|dozen|a\s+decade)\b"
)

# ----------------------------------------------------------------------------------------------
# Jobs
# ----------------------------------------------------------------------------------------------

# Head nouns accepted after "I'm a ..." / "my role is ..." (the trigger alone is too ambiguous:
# "I'm a big fan", "I'm a morning person").
JOB_WORDS = frozenset("""
accountant actor actress actuary administrator admin adviser advisor analyst animator architect
artist assistant associate attorney auditor author baker banker barber barista bartender
biologist bookkeeper builder butcher buyer carpenter cashier ceo cfo chef chemist cleaner clerk
coach consultant contractor coo cook coordinator copywriter counselor counsellor courier cto
dancer dentist designer detective developer dev devops dietitian director dispatcher doctor
driver economist editor educator electrician engineer entrepreneur epidemiologist executive farmer
firefighter founder co-founder cofounder freelancer gardener geologist hairdresser historian
hygienist illustrator instructor intern investor janitor journalist judge lawyer lead lecturer
librarian lifeguard linguist machinist manager marketer mathematician mechanic midwife musician
nanny neurologist nurse nutritionist officer optometrist owner painter paralegal paramedic
pediatrician pharmacist photographer physician physicist physiotherapist pilot planner plumber
poet policeman politician postdoc principal producer professor programmer psychiatrist
psychologist radiologist realtor receptionist recruiter rep representative researcher salesman
saleswoman salesperson scientist secretary sde senator soldier specialist sre statistician
steward stewardess student supervisor surgeon swe teacher technician therapist trader translator
tutor underwriter veterinarian vet vp waiter waitress welder writer contributor partner cop
controller comptroller treasurer head headteacher headmaster headmistress clinician curator
florist foreman inspector interpreter labourer laborer landscaper locksmith miner minister
negotiator optician pastor priest rabbi imam vicar porter president roofer sailor sculptor
singer sommelier stylist surveyor tailor tattooist technologist tiler trucker zoologist
plasterer bricklayer glazier joiner chauffeur concierge housekeeper caregiver carer ranger
councillor astronaut archaeologist astronomer biochemist botanist chiropractor audiologist
podiatrist radiographer sonographer phlebotomist anaesthetist anesthetist reporter presenter
broadcaster coder tester sysadmin strategist chairman chairwoman dean provost broker stockbroker
teller merchandiser postman postwoman cabbie decorator dishwasher barrister solicitor doula
therapist counselor ecologist geographer fisherman fireman estimator bailiff magistrate
""".split())

# Seniority words: a title that differs from another only by these is a role change (REVISION);
# any other extra word is a specialisation ("engineer" -> "software engineer" is compatible).
SENIORITY_WORDS = frozenset("""
senior sr junior jr lead principal staff chief head associate assistant intern trainee
apprentice entry-level entry level mid-level mid distinguished executive vp vice president
deputy director manager managing full demoted
""".split())

# Specialisations -> the general occupation they are a kind of ("a surgeon is a doctor").
JOB_PARENTS = {
    "surgeon": "doctor", "cardiologist": "doctor", "pediatrician": "doctor", "neurologist": "doctor",
    "radiologist": "doctor", "dermatologist": "doctor", "oncologist": "doctor", "anesthesiologist": "doctor",
    "psychiatrist": "doctor", "gynecologist": "doctor", "obstetrician": "doctor", "internist": "doctor",
    "gp": "doctor", "ophthalmologist": "doctor", "urologist": "doctor", "endocrinologist": "doctor",
    "orthodontist": "dentist", "periodontist": "dentist", "barrister": "lawyer", "solicitor": "lawyer",
    "prosecutor": "lawyer", "sous-chef": "chef", "cpa": "accountant", "rn": "nurse",
}

# ----------------------------------------------------------------------------------------------
# Languages
# ----------------------------------------------------------------------------------------------

LANGUAGES = frozenset("""
afrikaans albanian amharic arabic armenian asl basque bengali bulgarian burmese cantonese catalan
chinese croatian czech danish dutch english esperanto estonian farsi filipino finnish french
georgian german greek gujarati hausa hebrew hindi hungarian icelandic igbo indonesian irish
italian japanese kannada kazakh khmer korean kurdish lao latin latvian lithuanian macedonian malay
malayalam mandarin marathi mongolian nepali norwegian pashto persian polish portuguese punjabi
romanian russian serbian sinhala slovak slovenian somali spanish swahili swedish tagalog tamil
telugu thai tibetan turkish ukrainian urdu uzbek vietnamese welsh yiddish yoruba zulu
""".split())
LANGUAGE_SYNONYMS = {"farsi": "persian", "filipino": "tagalog", "mandarin": "chinese", "asl": "sign language"}

# ----------------------------------------------------------------------------------------------
# Pets
# ----------------------------------------------------------------------------------------------

# Pet nouns -> species key. Breeds map to their species; "pet"/"animal" is the generic key.
PET_SPECIES = {
    "dog": "dog", "puppy": "dog", "pup": "dog", "doggo": "dog", "retriever": "dog",
    "labrador": "dog", "lab": "dog", "poodle": "dog", "terrier": "dog", "beagle": "dog",
    "bulldog": "dog", "husky": "dog", "corgi": "dog", "dachshund": "dog", "chihuahua": "dog",
    "spaniel": "dog", "shepherd": "dog", "pug": "dog", "greyhound": "dog", "collie": "dog",
    "schnauzer": "dog", "rottweiler": "dog", "boxer": "dog", "doodle": "dog", "goldendoodle": "dog",
    "labradoodle": "dog", "cat": "cat", "kitten": "cat", "kitty": "cat", "tabby": "cat",
    "fish": "fish", "goldfish": "fish", "betta": "fish", "hamster": "hamster", "gerbil": "gerbil",
    "rabbit": "rabbit", "bunny": "rabbit", "parrot": "parrot", "bird": "bird", "budgie": "bird",
    "parakeet": "bird", "cockatiel": "bird", "canary": "bird", "turtle": "turtle",
    "tortoise": "tortoise", "snake": "snake", "python": "snake", "lizard": "lizard",
    "gecko": "lizard", "iguana": "lizard", "bearded dragon": "lizard", "guinea pig": "guinea pig",
    "ferret": "ferret", "horse": "horse", "pony": "horse", "hedgehog": "hedgehog",
    "chinchilla": "chinchilla", "rat": "rat", "mouse": "mouse", "frog": "frog", "chicken": "chicken",
    "hen": "chicken", "goat": "goat", "pig": "pig", "tarantula": "spider", "axolotl": "axolotl",
    "pet": "pet", "animal": "pet",
}
PET_IRREGULAR = {"mice": "mouse", "fish": "fish", "goldfish": "goldfish", "puppies": "puppy",
                 "bunnies": "bunny", "ponies": "pony", "kitties": "kitty", "huskies": "husky",
                 "guinea pigs": "guinea pig", "bearded dragons": "bearded dragon"}

# ----------------------------------------------------------------------------------------------
# Places: synonyms and a small gazetteer (place -> the regions that contain it)
# ----------------------------------------------------------------------------------------------

LOCATION_SYNONYMS = {
    "nyc": "new york", "new york city": "new york", "ny": "new york", "new york ny": "new york",
    "the big apple": "new york", "big apple": "new york", "manhattan ny": "manhattan",
    "sf": "san francisco", "san fran": "san francisco", "frisco": "san francisco",
    "la": "los angeles", "l a": "los angeles", "dc": "washington dc", "d c": "washington dc",
    "washington d c": "washington dc", "philly": "philadelphia", "vegas": "las vegas",
    "nola": "new orleans", "saint louis": "st louis", "saint paul": "st paul", "the bay area": "bay area",
    "sf bay area": "bay area", "san francisco bay area": "bay area", "the bay": "bay area",
    "bengaluru": "bangalore", "bombay": "mumbai", "new delhi": "delhi", "calcutta": "kolkata",
    "madras": "chennai", "peking": "beijing", "saigon": "ho chi minh city", "the states": "usa",
    "us": "usa", "u s": "usa", "united states": "usa", "united states of america": "usa",
    "america": "usa", "the us": "usa", "the usa": "usa", "uk": "united kingdom", "u k": "united kingdom",
    "britain": "united kingdom", "great britain": "united kingdom", "the uk": "united kingdom",
    "pnw": "pacific northwest", "the pacific northwest": "pacific northwest", "socal": "southern california",
    "norcal": "northern california", "the valley": "silicon valley", "twin cities": "minneapolis",
    "the netherlands": "netherlands", "holland": "netherlands", "chi town": "chicago", "chi-town": "chicago",
    "atx": "austin", "nz": "new zealand", "uae": "united arab emirates", "hk": "hong kong",
    "mtv": "mountain view", "south bay": "bay area", "east bay": "bay area", "peninsula": "bay area",
    "boston area": "greater boston", "the boston area": "greater boston", "greater seattle": "seattle area",
    "dc area": "washington dc", "the dmv": "washington dc", "dmv": "washington dc",
}

US_STATES = {
    "al": "alabama", "ak": "alaska", "az": "arizona", "ar": "arkansas", "ca": "california",
    "co": "colorado", "ct": "connecticut", "de": "delaware", "fl": "florida", "ga": "georgia",
    "hi": "hawaii", "id": "idaho", "il": "illinois", "in": "indiana", "ia": "iowa", "ks": "kansas",
    "ky": "kentucky", "la": "louisiana", "me": "maine", "md": "maryland", "ma": "massachusetts",
    "mi": "michigan", "mn": "minnesota", "ms": "mississippi", "mo": "missouri", "mt": "montana",
    "ne": "nebraska", "nv": "nevada", "nh": "new hampshire", "nj": "new jersey", "nm": "new mexico",
    "ny": "new york state", "nc": "north carolina", "nd": "north dakota", "oh": "ohio", "ok": "oklahoma",
    "or": "oregon", "pa": "pennsylvania", "ri": "rhode island", "sc": "south carolina",
    "sd": "south dakota", "tn": "tennessee", "tx": "texas", "ut": "utah", "vt": "vermont",
    "va": "virginia", "wa": "washington", "wv": "west virginia", "wi": "wisconsin", "wy": "wyoming",
}

# Regions that contain other regions (transitively expanded by normalization.place_parents).
REGION_PARENTS = {
    "bay area": ("northern california",), "silicon valley": ("bay area",),
    "northern california": ("california",), "southern california": ("california",),
    "pacific northwest": ("usa",), "new england": ("usa",), "midwest": ("usa",),
    "east coast": ("usa",), "west coast": ("usa",), "greater boston": ("massachusetts",),
    "research triangle": ("north carolina",), "new york state": ("usa",),
    "england": ("united kingdom",), "scotland": ("united kingdom",), "wales": ("united kingdom",),
    "northern ireland": ("united kingdom",), "united kingdom": ("europe",), "tri-state area": ("usa",),
    "greater london": ("england",), "bavaria": ("germany",), "ontario": ("canada",),
    "yorkshire": ("northern england",), "lancashire": ("northern england",), "greater manchester": ("northern england",),
    "merseyside": ("northern england",), "north east england": ("northern england",), "cumbria": ("northern england",),
    "northern england": ("england",), "the midlands": ("england",), "midlands": ("england",),
    "east anglia": ("england",), "the south west": ("england",), "south west england": ("england",),
    "the home counties": ("england",), "home counties": ("england",), "kent": ("england",),
    "surrey": ("england",), "sussex": ("england",), "essex": ("england",), "devon": ("south west england",),
    "cornwall": ("south west england",), "somerset": ("south west england",), "the cotswolds": ("england",),
    "east london": ("london",), "north london": ("london",), "south london": ("london",),
    "west london": ("london",), "the highlands": ("scotland",), "the lake district": ("cumbria",),
    "quebec": ("canada",), "british columbia": ("canada",), "alberta": ("canada",),
    "new south wales": ("australia",), "victoria": ("australia",), "queensland": ("australia",),
}
for _state in set(US_STATES.values()) - {"new york state"}:
    REGION_PARENTS.setdefault(_state, ("usa",))
for _country in ("germany", "france", "spain", "italy", "netherlands", "ireland", "portugal", "sweden",
                 "norway", "denmark", "finland", "switzerland", "austria", "poland", "czech republic",
                 "belgium", "greece", "hungary"):
    REGION_PARENTS.setdefault(_country, ("europe",))

# City -> its containing regions (state / metro / country), most specific first.
_CITY_TABLE = """
seattle: seattle area | bellevue: seattle area | redmond: seattle area | kirkland: seattle area | everett: seattle area
tacoma: seattle area | spokane: washington, pacific northwest | olympia: washington, pacific northwest
seattle area: washington, pacific northwest
portland: oregon, pacific northwest | eugene: oregon, pacific northwest | salem: oregon, pacific northwest
bend: oregon, pacific northwest
san francisco: bay area | oakland: bay area | berkeley: bay area | san jose: silicon valley
mountain view: silicon valley | palo alto: silicon valley | sunnyvale: silicon valley | cupertino: silicon valley
menlo park: silicon valley | santa clara: silicon valley | redwood city: silicon valley | fremont: bay area
san mateo: bay area | milpitas: silicon valley | los gatos: silicon valley | walnut creek: bay area
los angeles: southern california | santa monica: los angeles | pasadena: los angeles | hollywood: los angeles
burbank: los angeles | long beach: los angeles | venice: los angeles | culver city: los angeles
san diego: southern california | irvine: southern california | anaheim: southern california
sacramento: northern california | fresno: california | santa barbara: southern california
new york: new york state | manhattan: new york | brooklyn: new york | queens: new york | bronx: new york
the bronx: new york | staten island: new york | harlem: manhattan | buffalo: new york state
albany: new york state | rochester: new york state | ithaca: new york state
boston: greater boston | cambridge: greater boston | somerville: greater boston | worcester: massachusetts
newton: greater boston | quincy: greater boston | brookline: greater boston
springfield: usa
chicago: illinois, midwest | evanston: illinois, midwest | naperville: illinois, midwest
austin: texas | dallas: texas | houston: texas | san antonio: texas | fort worth: texas | el paso: texas
plano: texas
denver: colorado | boulder: colorado | colorado springs: colorado | fort collins: colorado
phoenix: arizona | tucson: arizona | scottsdale: arizona | tempe: arizona
las vegas: nevada | reno: nevada | salt lake city: utah | provo: utah
miami: florida | orlando: florida | tampa: florida | jacksonville: florida | tallahassee: florida
atlanta: georgia | savannah: georgia | charlotte: north carolina | raleigh: research triangle
durham: research triangle | chapel hill: research triangle | asheville: north carolina
nashville: tennessee | memphis: tennessee | knoxville: tennessee | louisville: kentucky
new orleans: louisiana | baton rouge: louisiana | birmingham: alabama
washington dc: east coast | arlington: virginia | richmond: virginia | baltimore: maryland
philadelphia: pennsylvania | pittsburgh: pennsylvania | newark: new jersey | jersey city: new jersey
hoboken: new jersey | princeton: new jersey
detroit: michigan, midwest | ann arbor: michigan, midwest | grand rapids: michigan, midwest
minneapolis: minnesota, midwest | st paul: minnesota, midwest | milwaukee: wisconsin, midwest
madison: wisconsin, midwest | columbus: ohio, midwest | cleveland: ohio, midwest | cincinnati: ohio, midwest
indianapolis: indiana, midwest | st louis: missouri, midwest | kansas city: missouri, midwest
omaha: nebraska, midwest | des moines: iowa, midwest
honolulu: hawaii | anchorage: alaska | albuquerque: new mexico | santa fe: new mexico
boise: idaho | providence: rhode island | hartford: connecticut | new haven: connecticut
burlington: vermont | oklahoma city: oklahoma | tulsa: oklahoma | little rock: arkansas
charleston: south carolina
london: greater london | manchester: england | liverpool: england | bristol: england | oxford: england
leeds: england | brighton: england | edinburgh: scotland | glasgow: scotland | cardiff: wales
belfast: northern ireland | dublin: ireland | cork: ireland
sheffield: yorkshire | york: yorkshire | bradford: yorkshire | hull: yorkshire | harrogate: yorkshire
huddersfield: yorkshire | wakefield: yorkshire | doncaster: yorkshire | scarborough: yorkshire
salford: greater manchester | stockport: greater manchester | bolton: greater manchester
preston: lancashire | blackpool: lancashire | lancaster: lancashire
birkenhead: merseyside | newcastle: north east england | sunderland: north east england
durham uk: north east england | middlesbrough: north east england | carlisle: cumbria | kendal: cumbria
birmingham uk: midlands | nottingham: midlands | leicester: midlands | derby: midlands | coventry: midlands
norwich: east anglia | ipswich: east anglia | cambridge uk: east anglia | exeter: devon | plymouth: devon
bath: somerset | truro: cornwall | penzance: cornwall | canterbury: kent | margate: kent
guildford: surrey | reading: england | slough: england | southampton: england | portsmouth: england
hove: sussex | chichester: sussex | colchester: essex | chelmsford: essex | frome: somerset
hackney: east london | shoreditch: east london | stratford: east london | bethnal green: east london
islington: north london | camden: north london | hampstead: north london | highgate: north london
brixton: south london | clapham: south london | peckham: south london | croydon: south london
greenwich: south london | chelsea: west london | hammersmith: west london | ealing: west london
notting hill: west london | kensington: west london | westminster: london | leith: edinburgh
aberdeen: scotland | dundee: scotland | inverness: the highlands | stirling: scotland | paisley: scotland
swansea: wales | newport: wales | galway: ireland | limerick: ireland | derry: northern ireland
paris: france | lyon: france | marseille: france | nice: france | toulouse: france
berlin: germany | munich: bavaria | hamburg: germany | frankfurt: germany | cologne: germany
stuttgart: germany | amsterdam: netherlands | rotterdam: netherlands | utrecht: netherlands
madrid: spain | barcelona: spain | valencia: spain | seville: spain | lisbon: portugal | porto: portugal
rome: italy | milan: italy | florence: italy | naples: italy | turin: italy
zurich: switzerland | geneva: switzerland | vienna: austria | prague: czech republic | warsaw: poland
krakow: poland | budapest: hungary | athens: greece | brussels: belgium
stockholm: sweden | copenhagen: denmark | oslo: norway | helsinki: finland | reykjavik: iceland
toronto: ontario | ottawa: ontario | montreal: quebec | vancouver: british columbia | calgary: alberta
edmonton: alberta
sydney: new south wales | melbourne: victoria | brisbane: queensland | perth: australia
auckland: new zealand | wellington: new zealand
tokyo: japan | osaka: japan | kyoto: japan | seoul: south korea | busan: south korea
beijing: china | shanghai: china | shenzhen: china | hong kong: china | taipei: taiwan
singapore: asia | bangkok: thailand | hanoi: vietnam | ho chi minh city: vietnam | manila: philippines
jakarta: indonesia | kuala lumpur: malaysia
bangalore: india | mumbai: india | delhi: india | hyderabad: india | chennai: india | pune: india
kolkata: india
dubai: united arab emirates | abu dhabi: united arab emirates | tel aviv: israel | jerusalem: israel
istanbul: turkey | cairo: egypt | nairobi: kenya | lagos: nigeria | cape town: south africa
johannesburg: south africa
mexico city: mexico | guadalajara: mexico | sao paulo: brazil | rio de janeiro: brazil
buenos aires: argentina | bogota: colombia | lima: peru | santiago: chile
"""


def _city_parents() -> dict[str, tuple[str, ...]]:
    table: dict[str, tuple[str, ...]] = {}
    for line in _CITY_TABLE.strip().splitlines():
        for entry in line.split("|"):
            city, _, parents = entry.partition(":")
            table[city.strip()] = tuple(p.strip() for p in parents.split(",") if p.strip())
    return table


CITY_PARENTS = _city_parents()
for _country in ("japan", "south korea", "china", "taiwan", "thailand", "vietnam", "philippines", "indonesia",
                 "malaysia", "india", "united arab emirates", "israel", "turkey", "asia"):
    REGION_PARENTS.setdefault(_country, ("world",))
for _country in ("canada", "mexico", "usa"):
    REGION_PARENTS.setdefault(_country, ("north america",))
for _country in ("brazil", "argentina", "colombia", "peru", "chile"):
    REGION_PARENTS.setdefault(_country, ("south america",))

#: Every place the gazetteer knows (used to recognise "I work in Boston" as a place).
KNOWN_PLACES = frozenset(CITY_PARENTS) | frozenset(REGION_PARENTS) | frozenset(
    p for parents in list(CITY_PARENTS.values()) + list(REGION_PARENTS.values()) for p in parents)

# ----------------------------------------------------------------------------------------------
# Employers
# ----------------------------------------------------------------------------------------------

# Aliases -> canonical employer key (acronyms like "IBM" are also matched by rule).
EMPLOYER_ALIASES = {
    "facebook": "meta", "meta platforms": "meta", "fb": "meta", "alphabet": "google",
    "msft": "microsoft", "aws": "amazon web services", "bofa": "bank of america",
    "jp morgan": "jpmorgan", "jpmorgan chase": "jpmorgan", "jp morgan chase": "jpmorgan", "chase": "jpmorgan",
    "pwc": "pricewaterhousecoopers", "pricewaterhouse coopers": "pricewaterhousecoopers",
    "ey": "ernst & young", "ernst and young": "ernst & young", "gs": "goldman sachs", "goldman": "goldman sachs",
    "hp": "hewlett-packard", "hewlett packard": "hewlett-packard", "p&g": "procter & gamble",
    "procter and gamble": "procter & gamble", "j&j": "johnson & johnson", "johnson and johnson": "johnson & johnson",
    "twitter": "x", "the new york times": "new york times", "nyt": "new york times", "ms": "microsoft",
    "mckinsey & company": "mckinsey", "mckinsey and company": "mckinsey", "bcg": "boston consulting group",
    "gm": "general motors", "ge": "general electric", "mit": "massachusetts institute of technology",
    "ucla": "university of california los angeles", "uc berkeley": "berkeley", "cal": "berkeley",
    "nasa": "national aeronautics and space administration", "nih": "national institutes of health",
    "cmu": "carnegie mellon", "carnegie mellon university": "carnegie mellon",
}

# Well-known employers whose name alone, after "I'm at" / "... hired me", names a workplace rather
# than a place one visits (shops and cafes are left out on purpose: "I'm at Costco" is a visit).
# Keys are normalized employer keys (see normalization.normalize_employer). Baseline choice.
KNOWN_EMPLOYERS = frozenset(
    name.strip() for line in """
google|apple|meta|microsoft|amazon|netflix|spotify|uber|lyft|airbnb|stripe|shopify|salesforce|oracle|ibm|intel
nvidia|amd|cisco|adobe|sap|dropbox|slack|atlassian|zoom|linkedin|pinterest|snap|reddit|tiktok|bytedance
samsung|sony|nokia|ericsson|siemens|bosch|philips|tesla|spacex|boeing|airbus|lockheed martin|raytheon
deloitte|accenture|kpmg|pricewaterhousecoopers|ernst & young|mckinsey|bain|boston consulting group
jpmorgan|goldman sachs|morgan stanley|citi|citigroup|barclays|hsbc|lloyds|natwest|santander|ubs
credit suisse|deutsche bank|bank of america|wells fargo|blackrock|vanguard|fidelity|visa|mastercard|paypal
pfizer|moderna|astrazeneca|novartis|roche|merck|gsk|johnson & johnson|unilever|procter & gamble|nestle
general motors|ford|toyota|honda|volkswagen|bmw|general electric|dell|hewlett-packard|lenovo|qualcomm
arm|canva|revolut|monzo|deliveroo|ocado|zendesk|twilio|datadog|snowflake|palantir|openai|anthropic
deepmind|github|gitlab|mozilla|bbc|nhs|new york times|reuters|bloomberg|ibm|intuit|workday|servicenow
vmware|hubspot|square|block|coinbase|robinhood|doordash|instacart|etsy|ebay|expedia|booking.com|tripadvisor
""".strip().splitlines() for name in line.split("|"))

# ----------------------------------------------------------------------------------------------
# Education
# ----------------------------------------------------------------------------------------------

# Degree surface forms -> level key (ordered by level in DEGREE_LEVELS).
DEGREE_FORMS = {
    "phd": "phd", "ph d": "phd", "doctorate": "phd", "doctoral degree": "phd", "dphil": "phd",
    "doctorate degree": "phd", "md": "md", "jd": "jd", "law degree": "jd", "medical degree": "md",
    "masters": "masters", "master": "masters", "masters degree": "masters", "master degree": "masters",
    "ms": "masters", "msc": "masters", "m s": "masters", "ma": "masters", "m a": "masters",
    "meng": "masters", "mba": "mba", "mfa": "masters", "mph": "masters", "med": "masters",
    "bachelors": "bachelors", "bachelor": "bachelors", "bachelors degree": "bachelors",
    "bachelor degree": "bachelors", "bs": "bachelors", "bsc": "bachelors", "ba": "bachelors",
    "b s": "bachelors", "b a": "bachelors", "beng": "bachelors", "bfa": "bachelors",
    "undergrad degree": "bachelors", "undergraduate degree": "bachelors", "college degree": "bachelors",
    "associates": "associates", "associate degree": "associates", "associates degree": "associates",
    "high school diploma": "high school", "ged": "high school", "diploma": "diploma",
    "degree": "degree",
}
DEGREE_LEVELS = {"high school": 1, "diploma": 1, "associates": 2, "bachelors": 3, "masters": 4, "mba": 4,
                 "md": 5, "jd": 5, "phd": 5, "degree": 0}

# Field-of-study synonyms and abbreviations -> canonical field.
FIELD_SYNONYMS = {
    "ml": "machine learning", "ai": "artificial intelligence", "cs": "computer science",
    "comp sci": "computer science", "compsci": "computer science", "ee": "electrical engineering",
    "econ": "economics", "bio": "biology", "chem": "chemistry", "psych": "psychology",
    "math": "mathematics", "maths": "mathematics", "stats": "statistics", "poli sci": "political science",
    "polisci": "political science", "mech e": "mechanical engineering", "me": "mechanical engineering",
    "nlp": "natural language processing", "cv": "computer vision", "hci": "human computer interaction",
    "business administration": "business", "business admin": "business", "finance": "finance",
    "english literature": "english", "english lit": "english", "lit": "literature", "ds": "data science",
    "it": "information technology", "is": "information systems", "hr": "human resources",
    "pr": "public relations", "ux": "user experience",
}
# Fields that contain others (a PhD in machine learning is compatible with "works in AI").
FIELD_PARENTS = {
    "machine learning": ("artificial intelligence", "computer science", "data science"),
    "deep learning": ("machine learning", "artificial intelligence", "computer science"),
    "natural language processing": ("machine learning", "artificial intelligence", "computer science", "linguistics"),
    "computer vision": ("machine learning", "artificial intelligence", "computer science"),
    "artificial intelligence": ("computer science",), "data science": ("computer science", "statistics"),
    "software engineering": ("computer science",), "robotics": ("computer science", "mechanical engineering"),
    "statistics": ("mathematics",), "applied mathematics": ("mathematics",), "biochemistry": ("biology", "chemistry"),
    "molecular biology": ("biology",), "neuroscience": ("biology", "psychology"), "genetics": ("biology",),
    "microbiology": ("biology",), "organic chemistry": ("chemistry",), "astrophysics": ("physics",),
    "electrical engineering": ("engineering",), "mechanical engineering": ("engineering",),
    "civil engineering": ("engineering",), "chemical engineering": ("engineering",),
    "computer engineering": ("engineering", "computer science"), "finance": ("business", "economics"),
    "accounting": ("business",), "marketing": ("business",), "human computer interaction": ("computer science",),
    "cybersecurity": ("computer science",), "security": ("computer science",),
    "information technology": ("computer science",),
    "biology": ("science",), "chemistry": ("science",), "physics": ("science",), "geology": ("science",),
    "computer science": ("science",), "mathematics": ("science",), "astronomy": ("science",),
    "ecology": ("biology",), "zoology": ("biology",), "botany": ("biology",), "pharmacology": ("medicine", "chemistry"),
    "history": ("humanities",), "philosophy": ("humanities",), "english": ("humanities",), "literature": ("humanities",),
    "classics": ("humanities",), "art history": ("history", "humanities"), "economics": ("social science",),
    "psychology": ("social science",), "sociology": ("social science",), "political science": ("social science",),
    "anthropology": ("social science",), "nursing": ("medicine",), "dentistry": ("medicine",),
}

# ----------------------------------------------------------------------------------------------
# Diet: each diet excludes food groups; eating a food of an excluded group contradicts the diet
# ----------------------------------------------------------------------------------------------

DIET_FORMS = {
    "vegan": "vegan", "plant-based": "vegan", "plant based": "vegan", "fully plant-based": "vegan",
    "vegetarian": "vegetarian", "veggie": "vegetarian", "lacto-ovo vegetarian": "vegetarian",
    "pescatarian": "pescatarian", "pescetarian": "pescatarian", "keto": "keto", "ketogenic": "keto",
    "paleo": "paleo", "gluten-free": "gluten-free", "gluten free": "gluten-free", "celiac": "gluten-free",
    "gluten intolerant": "gluten-free", "gluten-intolerant": "gluten-free", "coeliac": "gluten-free",
    "dairy-free": "dairy-free", "dairy free": "dairy-free", "lactose intolerant": "dairy-free",
    "kosher": "kosher", "halal": "halal", "carnivore": "carnivore", "omnivore": "omnivore",
    "low-carb": "keto", "low carb": "keto", "flexitarian": "flexitarian", "raw vegan": "vegan",
}
DIET_EXCLUDES = {
    "vegan": frozenset({"meat", "fish", "dairy", "eggs", "poultry", "pork", "honey"}),
    "vegetarian": frozenset({"meat", "fish", "poultry", "pork"}),
    "pescatarian": frozenset({"meat", "poultry", "pork"}),
    "keto": frozenset({"carbs"}), "paleo": frozenset({"grains"}),
    "gluten-free": frozenset({"gluten"}), "dairy-free": frozenset({"dairy"}),
    "kosher": frozenset({"pork", "shellfish"}), "halal": frozenset({"pork", "alcohol"}),
    "carnivore": frozenset({"plants"}), "omnivore": frozenset(), "flexitarian": frozenset(),
}
# Food words -> the groups they belong to ("meat" in a vegetarian's mouth is a contradiction).
FOOD_GROUPS = {
    "meat": {"meat"}, "red meat": {"meat"}, "beef": {"meat"}, "steak": {"meat"}, "steaks": {"meat"},
    "burger": {"meat"}, "burgers": {"meat"}, "hamburger": {"meat"}, "hamburgers": {"meat"},
    "cheeseburgers": {"meat", "dairy"}, "cheeseburger": {"meat", "dairy"}, "meatballs": {"meat"},
    "pork chops": {"meat", "pork"}, "salami": {"meat", "pork"}, "prosciutto": {"meat", "pork"},
    "pulled pork": {"meat", "pork"}, "chicken nuggets": {"poultry"}, "fried chicken": {"poultry"},
    "gluten": {"gluten"}, "wheat": {"gluten", "grains"}, "carbs": {"carbs"}, "sugar": {"sugar"},
    "noodles": {"gluten", "carbs", "grains"}, "tortillas": {"carbs", "grains"}, "cereal": {"carbs", "grains"},
    "potatoes": {"carbs"}, "fries": {"carbs"}, "mozzarella": {"dairy"}, "cream": {"dairy"}, "gelato": {"dairy"},
    "honey": {"honey"}, "scallops": {"fish", "shellfish"}, "clams": {"fish", "shellfish"},
    "bacon": {"meat", "pork"}, "pork": {"meat", "pork"},
    "ham": {"meat", "pork"}, "sausage": {"meat"}, "sausages": {"meat"}, "hot dogs": {"meat"},
    "pepperoni": {"meat", "pork"}, "lamb": {"meat"}, "veal": {"meat"}, "brisket": {"meat"},
    "ribs": {"meat"}, "bbq": {"meat"}, "barbecue": {"meat"}, "chicken": {"poultry"},
    "chicken wings": {"poultry"}, "wings": {"poultry"}, "turkey": {"poultry"}, "duck": {"poultry"},
    "fish": {"fish"}, "salmon": {"fish"}, "tuna": {"fish"}, "cod": {"fish"}, "sushi": {"fish"},
    "sashimi": {"fish"}, "seafood": {"fish", "shellfish"}, "shrimp": {"fish", "shellfish"},
    "crab": {"fish", "shellfish"}, "lobster": {"fish", "shellfish"}, "oysters": {"fish", "shellfish"},
    "cheese": {"dairy"}, "milk": {"dairy"}, "dairy": {"dairy"}, "yogurt": {"dairy"}, "butter": {"dairy"},
    "ice cream": {"dairy", "sugar"}, "cake": {"sugar", "gluten", "carbs"}, "cookies": {"sugar", "gluten", "carbs"},
    "candy": {"sugar"}, "chocolate": {"sugar"}, "soda": {"sugar"}, "desserts": {"sugar"}, "sweets": {"sugar"},
    "peanuts": {"peanuts", "nuts"}, "peanut butter": {"peanuts", "nuts"}, "nuts": {"nuts"}, "almonds": {"nuts"},
    "cashews": {"nuts"}, "walnuts": {"nuts"}, "eggs": {"eggs"}, "egg": {"eggs"}, "omelette": {"eggs"}, "omelettes": {"eggs"},
    "bread": {"gluten", "carbs", "grains"}, "pasta": {"gluten", "carbs", "grains"},
    "pizza": {"gluten", "carbs", "dairy", "grains"}, "rice": {"carbs", "grains"},
    "bagels": {"gluten", "carbs", "grains"}, "croissants": {"gluten", "carbs", "grains", "dairy"},
    "donuts": {"gluten", "carbs", "grains"}, "beer": {"gluten", "alcohol"}, "wine": {"alcohol"},
    "cocktails": {"alcohol"}, "whiskey": {"alcohol"}, "vodka": {"alcohol"}, "coffee": {"coffee", "caffeine"},
    "pint": {"alcohol"}, "pints": {"alcohol"}, "lager": {"alcohol"}, "ale": {"alcohol"}, "cider": {"alcohol"},
    "gin": {"alcohol"}, "rum": {"alcohol"}, "prosecco": {"alcohol"}, "champagne": {"alcohol"},
    "bourbon": {"alcohol"}, "scotch": {"alcohol"}, "tequila": {"alcohol"}, "margaritas": {"alcohol"},
    "mojitos": {"alcohol"}, "sake": {"alcohol"}, "cocktail": {"alcohol"}, "whisky": {"alcohol"},
    "prawns": {"fish", "shellfish"}, "prawn": {"fish", "shellfish"}, "mussels": {"fish", "shellfish"},
    "chorizo": {"meat", "pork"}, "kebab": {"meat"}, "venison": {"meat"}, "mince": {"meat"},
    "omelet": {"eggs"}, "quiche": {"eggs", "dairy", "gluten"}, "scrambled eggs": {"eggs"}, "brie": {"dairy"},
    "cheddar": {"dairy"}, "parmesan": {"dairy"}, "custard": {"dairy", "eggs", "sugar"}, "trout": {"fish"},
    "mackerel": {"fish"}, "sardines": {"fish"}, "anchovies": {"fish"}, "haddock": {"fish"}, "fish and chips": {"fish", "carbs"},
    "espresso": {"coffee", "caffeine"}, "lattes": {"coffee", "caffeine", "dairy"}, "tea": {"tea"},
    "energy drinks": {"caffeine", "sugar"}, "caffeine": {"caffeine"}, "juice": {"sugar"},
}

# ----------------------------------------------------------------------------------------------
# Health
# ----------------------------------------------------------------------------------------------

# Condition surface forms -> canonical condition.
HEALTH_CONDITIONS = {
    "diabetes": "diabetes", "type 1 diabetes": "diabetes", "type 2 diabetes": "diabetes",
    "type 1 diabetic": "diabetes", "type 2 diabetic": "diabetes", "type one diabetic": "diabetes",
    "type two diabetic": "diabetes", "prediabetic": "prediabetes", "prediabetes": "prediabetes",
    "type one diabetes": "diabetes", "type two diabetes": "diabetes", "diabetic": "diabetes",
    "asthma": "asthma", "asthmatic": "asthma", "hypertension": "high blood pressure",
    "high blood pressure": "high blood pressure", "celiac": "celiac disease", "celiac disease": "celiac disease",
    "migraines": "migraines", "migraine": "migraines", "epilepsy": "epilepsy", "epileptic": "epilepsy",
    "arthritis": "arthritis", "depression": "depression", "anxiety": "anxiety", "adhd": "adhd",
    "insomnia": "insomnia", "a heart condition": "heart condition", "heart disease": "heart condition",
    "heart condition": "heart condition", "cancer": "cancer", "eczema": "eczema", "psoriasis": "psoriasis",
    "lupus": "lupus", "crohn's": "crohns disease", "crohns": "crohns disease", "crohn's disease": "crohns disease",
    "ibs": "ibs", "sleep apnea": "sleep apnea", "a bad back": "back pain", "back pain": "back pain",
    "chronic back pain": "back pain", "high cholesterol": "high cholesterol", "glaucoma": "glaucoma",
    "autism": "autism", "dyslexia": "dyslexia", "ptsd": "ptsd", "covid": "covid", "long covid": "long covid",
    "fibromyalgia": "fibromyalgia", "anemia": "anemia", "thyroid problems": "thyroid condition",
    "hypothyroidism": "thyroid condition", "a pacemaker": "pacemaker", "kidney disease": "kidney disease",
    "scoliosis": "scoliosis", "tinnitus": "tinnitus", "color blind": "color blindness",
    "colorblind": "color blindness", "a peanut allergy": "allergy: peanuts",
    "a nut allergy": "allergy: nuts", "hay fever": "allergy: pollen", "a gluten intolerance": "celiac disease",
}
# Allergens that are medications ("I'm not allergic to any medications" covers them).
MEDICATION_ALLERGENS = frozenset({"penicillin", "amoxicillin", "sulfa drugs", "aspirin", "ibuprofen", "codeine"})
# What someone can be allergic to: normalised plural/singular to a canonical allergen.
ALLERGENS = {
    "peanut": "peanuts", "peanuts": "peanuts", "nut": "nuts", "nuts": "nuts", "tree nuts": "nuts",
    "shellfish": "shellfish", "shrimp": "shellfish", "penicillin": "penicillin", "latex": "latex",
    "bee stings": "bee stings", "bees": "bee stings", "pollen": "pollen", "cats": "cats", "cat": "cats",
    "dogs": "dogs", "dog": "dogs", "gluten": "gluten", "dairy": "dairy", "milk": "dairy", "eggs": "eggs",
    "egg": "eggs", "soy": "soy", "wheat": "gluten", "fish": "fish", "sesame": "sesame",
    "strawberries": "strawberries", "dust": "dust", "dust mites": "dust", "mold": "mold",
    "sulfa drugs": "sulfa drugs", "aspirin": "aspirin", "ibuprofen": "ibuprofen", "codeine": "codeine",
}

# ----------------------------------------------------------------------------------------------
# Vehicles
# ----------------------------------------------------------------------------------------------

CAR_BRANDS = frozenset("""
tesla toyota honda ford chevy chevrolet bmw audi mercedes mercedes-benz volkswagen vw subaru
mazda nissan hyundai kia volvo jeep lexus porsche ferrari lamborghini jaguar dodge ram gmc
cadillac buick lincoln chrysler mini fiat alfa rivian lucid polestar acura infiniti genesis
mitsubishi suzuki land rover range rover peugeot renault skoda seat citroen bentley maserati
harley harley-davidson ducati yamaha kawasaki vespa triumph
vauxhall opel dacia mg lotus cupra byd smart saab lada tata proton aston mclaren rolls-royce
""".split())
CAR_BRAND_ALIASES = {"chevy": "chevrolet", "vw": "volkswagen", "mercedes-benz": "mercedes", "benz": "mercedes",
                     "harley-davidson": "harley", "range rover": "land rover"}
# Model -> brand, so "a Civic" and "a Honda Civic" are the same car.
CAR_MODELS = {
    "model 3": "tesla", "model s": "tesla", "model y": "tesla", "model x": "tesla", "cybertruck": "tesla",
    "civic": "honda", "accord": "honda", "cr-v": "honda", "crv": "honda", "pilot": "honda", "odyssey": "honda",
    "fit": "honda", "camry": "toyota", "corolla": "toyota", "prius": "toyota", "rav4": "toyota",
    "tacoma": "toyota", "highlander": "toyota", "4runner": "toyota", "sienna": "toyota", "tundra": "toyota",
    "f-150": "ford", "f150": "ford", "mustang": "ford", "focus": "ford", "fiesta": "ford", "bronco": "ford",
    "explorer": "ford", "escape": "ford", "outback": "subaru", "forester": "subaru", "crosstrek": "subaru",
    "impreza": "subaru", "wrx": "subaru", "golf": "volkswagen", "jetta": "volkswagen", "passat": "volkswagen",
    "beetle": "volkswagen", "id.4": "volkswagen", "wrangler": "jeep", "cherokee": "jeep",
    "grand cherokee": "jeep", "miata": "mazda", "mx-5": "mazda", "cx-5": "mazda", "leaf": "nissan",
    "altima": "nissan", "rogue": "nissan", "sentra": "nissan", "elantra": "hyundai", "sonata": "hyundai",
    "tucson": "hyundai", "ioniq": "hyundai", "ioniq 5": "hyundai", "soul": "kia", "sorento": "kia",
    "telluride": "kia", "ev6": "kia", "bolt": "chevrolet", "volt": "chevrolet", "malibu": "chevrolet",
    "silverado": "chevrolet", "tahoe": "chevrolet", "camaro": "chevrolet", "corvette": "chevrolet",
    "equinox": "chevrolet", "xc90": "volvo", "xc60": "volvo", "911": "porsche", "cayenne": "porsche",
    "macan": "porsche", "taycan": "porsche", "r1t": "rivian", "r1s": "rivian", "a4": "audi", "q5": "audi",
    "3 series": "bmw", "x5": "bmw", "i3": "bmw", "c-class": "mercedes", "e-class": "mercedes",
    "corsa": "vauxhall", "astra": "vauxhall", "insignia": "vauxhall", "mokka": "vauxhall", "mondeo": "ford",
    "kuga": "ford", "puma": "ford", "ka": "ford", "octavia": "skoda", "fabia": "skoda", "superb": "skoda",
    "kodiaq": "skoda", "clio": "renault", "megane": "renault", "captur": "renault", "zoe": "renault",
    "208": "peugeot", "308": "peugeot", "3008": "peugeot", "polo": "volkswagen", "tiguan": "volkswagen",
    "t-roc": "volkswagen", "leon": "seat", "ibiza": "seat", "qashqai": "nissan", "juke": "nissan",
    "micra": "nissan", "yaris": "toyota", "aygo": "toyota", "c-hr": "toyota", "jazz": "honda",
    "i10": "hyundai", "i20": "hyundai", "i30": "hyundai", "kona": "hyundai", "sportage": "kia",
    "ceed": "kia", "picanto": "kia", "niro": "kia", "sandero": "dacia", "duster": "dacia",
    "xc40": "volvo", "v40": "volvo", "v60": "volvo", "a3": "audi", "a1": "audi", "q3": "audi",
    "1 series": "bmw", "5 series": "bmw", "x3": "bmw", "a-class": "mercedes", "discovery": "land rover",
    "defender": "land rover", "evoque": "land rover", "500": "fiat", "panda": "fiat", "cooper": "mini",
}
VEHICLE_NOUNS = frozenset("""
car cars truck trucks suv suvs van minivan minivans motorcycle motorcycles motorbike scooter
sedan hatchback pickup jeep vehicle vehicles ev electric car hybrid convertible wagon coupe
petrol car gas car diesel car diesel petrol
bike bicycle e-bike ebike
""".split())

# ----------------------------------------------------------------------------------------------
# People: nicknames (a nickname and the full first name are the same person)
# ----------------------------------------------------------------------------------------------

NICKNAMES = {
    "alex": ("alexander", "alexandra", "alexis", "alexa", "alejandro", "alessandro"),
    "sam": ("samuel", "samantha", "samson"), "sammy": ("samuel", "samantha"),
    "bob": ("robert",), "bobby": ("robert",), "rob": ("robert", "roberto"), "robbie": ("robert",),
    "bill": ("william",), "billy": ("william",), "will": ("william",), "liam": ("william",),
    "liz": ("elizabeth",), "beth": ("elizabeth", "bethany"), "lizzie": ("elizabeth",), "eliza": ("elizabeth",),
    "betty": ("elizabeth",), "mike": ("michael",), "mikey": ("michael",), "mick": ("michael",),
    "jim": ("james",), "jimmy": ("james",), "jamie": ("james", "jamison"),
    "kate": ("katherine", "catherine", "kathryn", "katelyn"), "katie": ("katherine", "catherine", "kathryn"),
    "kat": ("katherine", "catherine"), "cathy": ("catherine",), "kathy": ("katherine", "kathleen"),
    "chris": ("christopher", "christina", "christine", "christian"), "dave": ("david",), "davy": ("david",),
    "dan": ("daniel", "danielle"), "danny": ("daniel",), "tom": ("thomas",), "tommy": ("thomas",),
    "joe": ("joseph",), "joey": ("joseph",), "nick": ("nicholas", "nicolas", "nicole"),
    "nicky": ("nicholas", "nicole"), "matt": ("matthew",), "jen": ("jennifer",), "jenny": ("jennifer",),
    "becky": ("rebecca",), "becca": ("rebecca",), "tony": ("anthony", "antonio"), "steve": ("steven", "stephen"),
    "andy": ("andrew", "andrea"), "drew": ("andrew",), "pat": ("patricia", "patrick"), "patty": ("patricia",),
    "ed": ("edward", "edwin", "edmund"), "eddie": ("edward",), "ted": ("edward", "theodore"),
    "teddy": ("theodore", "edward"), "meg": ("margaret", "megan"), "maggie": ("margaret",),
    "peggy": ("margaret",), "jess": ("jessica", "jesse"), "jessie": ("jessica",), "abby": ("abigail",),
    "ben": ("benjamin",), "benny": ("benjamin",), "greg": ("gregory",), "jeff": ("jeffrey",),
    "jon": ("jonathan", "jon"), "johnny": ("john", "jonathan"), "jack": ("john", "jackson"),
    "josh": ("joshua",), "zach": ("zachary",), "zack": ("zachary",), "nate": ("nathan", "nathaniel"),
    "tim": ("timothy",), "timmy": ("timothy",), "ken": ("kenneth",), "kenny": ("kenneth",),
    "larry": ("lawrence",), "rick": ("richard", "eric"), "rich": ("richard",), "dick": ("richard",),
    "ricky": ("richard",), "ron": ("ronald",), "ronnie": ("ronald", "veronica"), "don": ("donald",),
    "sue": ("susan", "suzanne"), "susie": ("susan",), "suzy": ("susan",), "vicky": ("victoria",),
    "tori": ("victoria",), "val": ("valerie",), "mandy": ("amanda",), "manda": ("amanda",),
    "mandi": ("amanda",), "cindy": ("cynthia",), "debbie": ("deborah",), "deb": ("deborah",),
    "gabe": ("gabriel",), "gabby": ("gabriella", "gabrielle"), "izzy": ("isabel", "isabella"),
    "bella": ("isabella",), "ellie": ("eleanor", "elena", "ellen"), "nora": ("eleanor",),
    "lucy": ("lucille", "lucia"), "maddie": ("madison", "madeline"), "mel": ("melissa", "melanie"),
    "mo": ("mohammed", "maurice"), "sasha": ("alexander", "alexandra"), "theo": ("theodore",),
    "fred": ("frederick",), "freddie": ("frederick",), "charlie": ("charles", "charlotte"),
    "chuck": ("charles",), "hank": ("henry",), "harry": ("henry", "harold"), "hal": ("henry", "harold"),
    "walt": ("walter",), "al": ("albert", "alan", "alfred"), "phil": ("philip", "phillip"),
    "ray": ("raymond",), "russ": ("russell",), "stan": ("stanley",), "vince": ("vincent",),
    "lou": ("louis", "louise"), "frank": ("francis", "franklin"), "fran": ("frances", "francesca"),
    "raj": ("rajesh", "rajiv"), "priya": ("priyanka",), "ale": ("alejandro", "alejandra"),
    "pepe": ("jose",), "paco": ("francisco",), "lupe": ("guadalupe",), "nacho": ("ignacio",),
    "kim": ("kimberly",), "mia": ("maria",), "rosie": ("rosemary", "rose"), "tina": ("christina", "martina"),
    "trish": ("patricia",), "tess": ("theresa",), "terry": ("terrence", "theresa"), "mikaela": ("michaela",),
}
