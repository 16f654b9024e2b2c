"""Name pools for generated demo people. Generated combinations, never real people."""

KAZAKH_WOMEN = [
    "Айгерим",
    "Динара",
    "Гульнара",
    "Жанар",
    "Сауле",
    "Асель",
    "Айжан",
    "Мадина",
    "Зарина",
    "Гүлмира",
    "Ақмарал",
    "Әсем",
    "Балжан",
    "Жұлдыз",
    "Назерке",
    "Салтанат",
    "Томирис",
    "Ұлжан",
    "Перизат",
    "Камила",
    "Әйгерім",
    "Індира",
    "Меруерт",
    "Шынар",
    "Раушан",
]
KAZAKH_MEN = [
    "Нурлан",
    "Ерлан",
    "Серик",
    "Асхат",
    "Бауыржан",
    "Даурен",
    "Ержан",
    "Қайрат",
    "Мұрат",
    "Тимур",
    "Әділ",
    "Ғалым",
    "Жандос",
    "Нұрсұлтан",
    "Ербол",
    "Арман",
    "Бекзат",
]
KAZAKH_SURNAMES_M = [
    "Сейткалиев",
    "Нурланов",
    "Жумабаев",
    "Ахметов",
    "Оспанов",
    "Касымов",
    "Бекмухамбетов",
    "Тлеубаев",
    "Искаков",
    "Кенжебаев",
    "Сулейменов",
    "Абенов",
    "Мукашев",
    "Есенов",
]
RUSSIAN_WOMEN = ["Анна", "Екатерина", "Ольга", "Наталья", "Мария", "Елена", "Татьяна", "Юлия"]
RUSSIAN_MEN = ["Алексей", "Дмитрий", "Сергей", "Андрей", "Михаил", "Иван"]
RUSSIAN_SURNAMES_M = ["Петров", "Иванов", "Смирнов", "Кузнецов", "Волков", "Соколов", "Морозов"]

# Children born in the camps were often given Arabic names, recorded in Arabic script.
# Pairs of (Arabic script, the Latin spelling used on camp lists).
ARABIC_GIRLS = [
    ("عائشة", "Aisha"),
    ("فاطمة", "Fatima"),
    ("مريم", "Maryam"),
    ("خديجة", "Khadija"),
    ("زينب", "Zaynab"),
    ("آمنة", "Amina"),
    ("سمية", "Sumayya"),
    ("حفصة", "Hafsa"),
    ("رقية", "Ruqayya"),
    ("صفية", "Safiyya"),
]
ARABIC_BOYS = [
    ("يوسف", "Yusuf"),
    ("محمد", "Muhammad"),
    ("عمر", "Umar"),
    ("إبراهيم", "Ibrahim"),
    ("عبد الله", "Abdullah"),
    ("حمزة", "Hamza"),
    ("خالد", "Khalid"),
    ("علي", "Ali"),
    ("أنس", "Anas"),
    ("بلال", "Bilal"),
]
# The same names as recorded in Cyrillic by consular staff.
CYRILLIC_GIRLS_ARABIC = [
    "Аиша",
    "Фатима",
    "Марьям",
    "Хадиджа",
    "Зайнаб",
    "Амина",
    "Сумайя",
    "Хафса",
]
CYRILLIC_BOYS_ARABIC = ["Юсуф", "Мухаммад", "Умар", "Ибрагим", "Абдулла", "Хамза", "Халид", "Али"]

BIRTH_PLACES_HOME = [
    "Алматы",
    "Астана",
    "Шымкент",
    "Актобе",
    "Атырау",
    "Караганда",
    "Жезказган",
    "Тараз",
    "Кызылорда",
    "Уральск",
    "Семей",
    "Усть-Каменогорск",
    "Павлодар",
    "Костанай",
]
BIRTH_PLACES_ABROAD = ["Ракка", "Дейр-эз-Зор", "Мосул", "Хасака", "лагерь аль-Холь", "лагерь Родж"]

CENTRES = [
    ("Almaty", "Almaty Rehabilitation Centre"),
    ("Astana", "Astana Family Support Centre"),
    ("Shymkent", "Shymkent Rehabilitation Centre"),
    ("Aktobe", "Aktobe Centre for Families"),
    ("Atyrau", "Atyrau Rehabilitation Centre"),
    ("Karaganda", "Karaganda Rehabilitation Centre"),
    ("Kostanay", "Kostanay Family Centre"),
    ("Pavlodar", "Pavlodar Rehabilitation Centre"),
    ("Abai", "Semey Rehabilitation Centre"),
    ("Zhambyl", "Taraz Family Support Centre"),
    ("Turkistan", "Turkistan Rehabilitation Centre"),
    ("Kyzylorda", "Kyzylorda Family Centre"),
    ("West Kazakhstan", "Oral Rehabilitation Centre"),
    ("East Kazakhstan", "Oskemen Rehabilitation Centre"),
    ("North Kazakhstan", "Petropavl Family Centre"),
    ("Mangystau", "Aktau Rehabilitation Centre"),
    ("Akmola", "Kokshetau Rehabilitation Centre"),
]


def feminine(surname: str) -> str:
    """Russian-style surnames take -а for women (Сейткалиев → Сейткалиева)."""
    return surname + "а"


def kazakh_patronymic(father: str, female: bool) -> str:
    """Kazakh-style patronymic used as a family name: Нурлан → Нурланқызы / Нурланұлы."""
    return father + ("қызы" if female else "ұлы")


# Towns and cities of each region (the regions of CENTRES), where families go home to.
COMMUNITIES = {
    "Almaty": ["Almaty", "Kaskelen", "Talgar", "Esik"],
    "Astana": ["Astana"],
    "Shymkent": ["Shymkent"],
    "Aktobe": ["Aktobe", "Kandyagash", "Khromtau"],
    "Atyrau": ["Atyrau", "Kulsary"],
    "Karaganda": ["Karaganda", "Temirtau", "Balkhash", "Saran"],
    "Kostanay": ["Kostanay", "Rudny", "Lisakovsk"],
    "Pavlodar": ["Pavlodar", "Ekibastuz", "Aksu"],
    "Abai": ["Semey", "Kurchatov", "Ayagoz"],
    "Zhambyl": ["Taraz", "Shu", "Karatau"],
    "Turkistan": ["Turkistan", "Kentau", "Saryagash", "Zhetisay"],
    "Kyzylorda": ["Kyzylorda", "Aralsk", "Kazaly"],
    "West Kazakhstan": ["Oral", "Aksai"],
    "East Kazakhstan": ["Oskemen", "Ridder", "Altai"],
    "North Kazakhstan": ["Petropavl", "Bulaevo"],
    "Mangystau": ["Aktau", "Zhanaozen"],
    "Akmola": ["Kokshetau", "Stepnogorsk", "Shchuchinsk"],
}
