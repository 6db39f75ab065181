"""Words the generator composes names, places and summaries from, in four languages.

Each delegation works mainly in one of French, Arabic, Spanish or English. Arabic names
come in Arabic script with their Latin transliteration (the person's name as staff write
it, and the other name in its own script); French and Spanish names keep their accents,
so search folding (``core.text.fold``) has something to do. Everything is fictional.
"""

from __future__ import annotations

LANGUAGES = ("fr", "ar", "es", "en")

# (given name, family name) pools; Arabic entries are (Latin transliteration, script).
GIVEN = {
    "fr": [
        "Amadou",
        "Aïcha",
        "Moussa",
        "Hélène",
        "Éric",
        "François",
        "Mamadou",
        "Ousmane",
        "Joséphine",
        "Céline",
        "Théo",
        "Zoé",
        "Awa",
        "Issa",
        "Mariam",
        "Noël",
        "Gaëlle",
        "Boubacar",
        "Fatoumata",
        "Jérôme",
        "Cheick",
        "Adama",
        "Rokia",
        "Sékou",
    ],
    "es": [
        "José",
        "María",
        "Andrés",
        "Ramón",
        "Lucía",
        "Begoña",
        "Iñaki",
        "Jesús",
        "Ángel",
        "Sofía",
        "Martín",
        "Inés",
        "Raúl",
        "Ximena",
        "Óscar",
        "Nicolás",
        "Julián",
        "Rocío",
    ],
    "en": [
        "John",
        "Grace",
        "Samuel",
        "Peter",
        "Mary",
        "Joseph",
        "David",
        "Esther",
        "Daniel",
        "Ruth",
        "James",
        "Florence",
        "Patrick",
        "Agnes",
        "Moses",
        "Christine",
    ],
}
FAMILY = {
    "fr": [
        "Diallo",
        "Traoré",
        "Koné",
        "Ouédraogo",
        "Lefèvre",
        "Bérenger",
        "Dubois",
        "Mbaye",
        "Ndiaye",
        "Sawadogo",
        "Kaboré",
        "Coulibaly",
        "Sané",
        "Touré",
        "Camara",
        "Faye",
    ],
    "es": [
        "Núñez",
        "Ibáñez",
        "Peña",
        "Muñoz",
        "García",
        "Rodríguez",
        "Martínez",
        "Gómez",
        "Castañeda",
        "Londoño",
        "Zúñiga",
        "Cárdenas",
        "Ortiz",
        "Quiñónez",
    ],
    "en": [
        "Okello",
        "Mwangi",
        "Otieno",
        "Smith",
        "Johnson",
        "Wanjiru",
        "Kamau",
        "Achieng",
        "Mensah",
        "Banda",
        "Phiri",
        "Okafor",
    ],
}
ARABIC_GIVEN = [
    ("Mohammed", "محمد"),
    ("Ahmed", "أحمد"),
    ("Khaled", "خالد"),
    ("Youssef", "يوسف"),
    ("Omar", "عمر"),
    ("Ali", "علي"),
    ("Hassan", "حسن"),
    ("Sara", "سارة"),
    ("Fatima", "فاطمة"),
    ("Layla", "ليلى"),
    ("Ibrahim", "إبراهيم"),
    ("Mustafa", "مصطفى"),
    ("Nour", "نور"),
    ("Salim", "سليم"),
    ("Karim", "كريم"),
    ("Rachid", "رشيد"),
    ("Abdallah", "عبد الله"),
    ("Mansour", "منصور"),
    ("Amina", "أمينة"),
    ("Tariq", "طارق"),
]
ARABIC_FAMILY = [
    ("al-Husseini", "الحسيني"),
    ("al-Omari", "العمري"),
    ("Haddad", "حداد"),
    ("al-Khatib", "الخطيب"),
    ("al-Shami", "الشامي"),
    ("Ben Ali", "بن علي"),
    ("al-Ali", "العلي"),
    ("Nasser", "ناصر"),
    ("Saleh", "صالح"),
    ("al-Masri", "المصري"),
    ("Qassem", "قاسم"),
    ("al-Tamimi", "التميمي"),
]

RANKS = {
    "fr": [
        "Général",
        "Colonel",
        "Commandant",
        "Capitaine",
        "Lieutenant",
        "Adjudant",
        "Commissaire",
    ],
    "ar": ["Brigadier", "Colonel", "Major", "Captain", "Lieutenant", "Sheikh", "Commander"],
    "es": ["General", "Coronel", "Mayor", "Capitán", "Teniente", "Sargento", "Comisario"],
    "en": ["General", "Colonel", "Major", "Captain", "Lieutenant", "Sergeant", "Superintendent"],
}
ROLE_TITLES = {
    "strategic": ["Chief of staff", "Deputy minister", "Spokesperson", "Inspector general"],
    "operational": [
        "Brigade commander",
        "Regional commander",
        "Legal adviser",
        "Chief of operations",
    ],
    "tactical": ["Checkpoint commander", "Station chief", "Company commander", "Prison director"],
}

# Syllables for fictional countries and places.
SYLLABLES = [
    "var",
    "nia",
    "kes",
    "tria",
    "os",
    "trel",
    "dun",
    "mar",
    "sel",
    "ora",
    "bel",
    "gar",
    "lun",
    "dor",
    "ka",
    "ral",
    "ves",
    "to",
    "mir",
    "an",
    "zel",
    "ia",
    "pol",
    "ena",
    "sa",
    "rin",
    "tal",
    "ur",
    "bo",
    "len",
]

# Topic phrases in each language (codes of dialogue.seed.TOPICS).
TOPIC_WORDS = {
    "conduct-of-hostilities": {
        "fr": "la conduite des hostilités",
        "ar": "سير العمليات العدائية",
        "es": "la conducción de las hostilidades",
        "en": "the conduct of hostilities",
    },
    "use-of-force": {
        "fr": "l'usage de la force lors des arrestations",
        "ar": "استخدام القوة أثناء الاعتقال",
        "es": "el uso de la fuerza en los arrestos",
        "en": "the use of force during arrests",
    },
    "detention": {
        "fr": "les conditions de détention",
        "ar": "ظروف الاحتجاز",
        "es": "las condiciones de detención",
        "en": "conditions of detention",
    },
    "missing-persons": {
        "fr": "les personnes disparues",
        "ar": "الأشخاص المفقودين",
        "es": "las personas desaparecidas",
        "en": "missing persons",
    },
    "health-care": {
        "fr": "le passage des ambulances",
        "ar": "مرور سيارات الإسعاف",
        "es": "el paso de las ambulancias",
        "en": "the passage of ambulances",
    },
    "humanitarian-access": {
        "fr": "l'accès humanitaire",
        "ar": "وصول المساعدات الإنسانية",
        "es": "el acceso humanitario",
        "en": "humanitarian access",
    },
    "security-of-staff": {
        "fr": "la sécurité de nos équipes",
        "ar": "أمن فرقنا",
        "es": "la seguridad de nuestros equipos",
        "en": "the security of our teams",
    },
    "mandate": {
        "fr": "notre mandat et nos méthodes",
        "ar": "ولايتنا وأساليب عملنا",
        "es": "nuestro mandato y métodos",
        "en": "our mandate and working methods",
    },
    "sanctions": {
        "fr": "les sanctions disciplinaires",
        "ar": "العقوبات التأديبية",
        "es": "las sanciones disciplinarias",
        "en": "disciplinary sanctions",
    },
    "equipment": {
        "fr": "l'équipement non létal",
        "ar": "المعدات غير الفتاكة",
        "es": "el equipo menos letal",
        "en": "less-lethal equipment",
    },
    "new-technologies": {
        "fr": "les armes autonomes",
        "ar": "الأسلحة ذاتية التشغيل",
        "es": "las armas autónomas",
        "en": "autonomous weapons",
    },
}

SUMMARY = {
    "fr": [
        "Entretien avec {who} à {place} sur {topic}.",
        "Rencontre à {place} : {who} a évoqué {topic} et promis une réponse écrite.",
        "Appel avec {who} au sujet de {topic} ; suivi prévu la semaine prochaine.",
    ],
    "ar": [
        "لقاء مع {who} في {place} حول {topic}.",
        "اجتماع في {place}: ناقشنا {topic} مع {who}.",
        "مكالمة مع {who} بشأن {topic}؛ متابعة الأسبوع القادم.",
    ],
    "es": [
        "Reunión con {who} en {place} sobre {topic}.",
        "Encuentro en {place}: {who} planteó {topic} y prometió una respuesta.",
        "Llamada con {who} acerca de {topic}; seguimiento la próxima semana.",
    ],
    "en": [
        "Met {who} at {place} about {topic}.",
        "Meeting in {place}: {who} raised {topic} and promised a written answer.",
        "Call with {who} on {topic}; follow-up next week.",
    ],
}
NOTES = {
    "fr": "Notes confidentielles : l'interlocuteur demande la discrétion ; réf. {ref}.",
    "ar": "ملاحظات سرية: طلب المحاور التكتم؛ المرجع {ref}.",
    "es": "Notas confidenciales: el interlocutor pide discreción; ref. {ref}.",
    "en": "Confidential notes: the interlocutor asks for discretion; ref. {ref}.",
}
OUTCOMES = {
    "fr": "Accord de principe ; à confirmer par écrit.",
    "ar": "اتفاق مبدئي؛ يؤكد كتابيًا.",
    "es": "Acuerdo de principio; pendiente de confirmación escrita.",
    "en": "Agreement in principle; to be confirmed in writing.",
}
ACTIONS = {
    "fr": ["Envoyer la note sur {topic}", "Rappeler {who}", "Préparer la visite de suivi"],
    "ar": ["إرسال مذكرة حول {topic}", "معاودة الاتصال بـ{who}", "التحضير لزيارة المتابعة"],
    "es": [
        "Enviar la nota sobre {topic}",
        "Volver a llamar a {who}",
        "Preparar la visita de seguimiento",
    ],
    "en": ["Send the note on {topic}", "Call {who} back", "Prepare the follow-up visit"],
}
CONCERN_SUMMARY = {
    "fr": "Allégation concernant {topic} près de {place}",
    "ar": "ادعاء بشأن {topic} قرب {place}",
    "es": "Alegación sobre {topic} cerca de {place}",
    "en": "Allegation about {topic} near {place}",
}
CONCERN_DESCRIPTION = {
    "fr": "Selon des témoins, des faits graves touchant {topic} ont eu lieu à {place}; réf. {ref}.",
    "ar": "وفقًا لشهود، وقعت أحداث خطيرة تتعلق بـ{topic} في {place}؛ المرجع {ref}.",
    "es": "Según testigos, hechos graves relativos a {topic} ocurrieron en {place}; ref. {ref}.",
    "en": "According to witnesses, serious facts about {topic} happened in {place}; ref. {ref}.",
}
BEARER_NAME = {
    "armed_forces": {
        "fr": "Forces armées de {country}",
        "ar": "القوات المسلحة {country_ar}",
        "es": "Fuerzas Armadas de {country}",
        "en": "{country} Armed Forces",
    },
    "police": {
        "fr": "Police nationale de {country}",
        "ar": "الشرطة الوطنية {country_ar}",
        "es": "Policía Nacional de {country}",
        "en": "{country} National Police",
    },
    "gendarmerie": {
        "fr": "Gendarmerie de {country}",
        "ar": "الدرك {country_ar}",
        "es": "Guardia Civil de {country}",
        "en": "{country} Gendarmerie",
    },
    "other_law_enforcement": {
        "fr": "Administration pénitentiaire de {country}",
        "ar": "إدارة السجون {country_ar}",
        "es": "Servicio Penitenciario de {country}",
        "en": "{country} Prison Service",
    },
    "non_state_armed_group": {
        "fr": "Front de libération de {place}",
        "ar": "جبهة تحرير {place_ar}",
        "es": "Frente de Liberación de {place}",
        "en": "{place} Liberation Front",
    },
    "militia": {
        "fr": "Milice d'autodéfense de {place}",
        "ar": "ميليشيا الدفاع الذاتي {place_ar}",
        "es": "Milicia de Autodefensa de {place}",
        "en": "{place} Self-Defence Militia",
    },
    "private_security": {
        "fr": "Sécurité {place} SA",
        "ar": "شركة {place_ar} للأمن",
        "es": "Seguridad {place} S.A.",
        "en": "{place} Security Ltd",
    },
    "peace_operation": {
        "fr": "Mission de paix à {country}",
        "ar": "بعثة السلام في {country_ar}",
        "es": "Misión de Paz en {country}",
        "en": "Peace Mission in {country}",
    },
}
UNIT_NAMES = {
    "headquarters": "General Headquarters",
    "command": "{n} Regional Command",
    "division": "{n} Division",
    "brigade": "{n} Brigade",
    "battalion": "{n} Battalion",
    "company": "{n} Company",
    "station": "Station {place}",
    "other": "{n} Front",
}

# A rough Arabic-script rendering of Latin syllables, for place and country names.
_AR = {
    "a": "ا",
    "b": "ب",
    "d": "د",
    "e": "ي",
    "g": "غ",
    "i": "ي",
    "k": "ك",
    "l": "ل",
    "m": "م",
    "n": "ن",
    "o": "و",
    "p": "ب",
    "r": "ر",
    "s": "س",
    "t": "ت",
    "u": "و",
    "v": "ف",
    "z": "ز",
}


def arabic_script(latin: str) -> str:
    """Render a fictional Latin name in Arabic letters (a transliteration, not a translation)."""
    return "".join(_AR.get(ch, "") for ch in latin.lower() if ch.isalpha() or ch == " ") or "س"


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th… 11th, 12th, 13th, 21st."""
    if 10 <= n % 100 <= 20:
        return f"{n}th"
    return f"{n}{({1: 'st', 2: 'nd', 3: 'rd'}).get(n % 10, 'th')}"
