"""The demo brand, as plain data: a Brazilian fashion retailer.

``build_brand(today, seed)`` returns stores, sellers, customers, products and
12 months of orders as plain dicts and tuples. The same ``today`` and ``seed``
always give the same brand, so the demo and its tests are reproducible. The
Odoo side (``oto.demo``) turns it into records.
"""

import random
from datetime import date, datetime, time, timedelta

from .phone import normalize_phone

BRAND = "Aurora Moda"

STORES = (
    # code, name, kind, city, state code, street, zip, phone, area codes
    (
        "SP01",
        "Aurora Jardins",
        "own",
        "São Paulo",
        "SP",
        "Rua Oscar Freire, 812",
        "01426-001",
        "+551130615500",
        (11, 12, 13, 19),
    ),
    (
        "RJ01",
        "Aurora Ipanema",
        "own",
        "Rio de Janeiro",
        "RJ",
        "Rua Visconde de Pirajá, 351",
        "22410-003",
        "+552125221800",
        (21, 22, 24),
    ),
    (
        "MG01",
        "Aurora Savassi",
        "franchise",
        "Belo Horizonte",
        "MG",
        "Rua Pernambuco, 1000",
        "30130-151",
        "+553132817700",
        (31, 32, 34, 35, 37),
    ),
)

SELLERS = (
    # store code, name, login (None: works on the store's shared device)
    ("SP01", "Ana Souza", "ana.souza"),
    ("SP01", "Bruno Oliveira", None),
    ("SP01", "Camila Ferreira", None),
    ("SP01", "Diego Santos", None),
    ("RJ01", "Fernanda Lima", None),
    ("RJ01", "Gustavo Almeida", None),
    ("RJ01", "Helena Ribeiro", None),
    ("RJ01", "Igor Carvalho", None),
    ("MG01", "Juliana Martins", None),
    ("MG01", "Lucas Pereira", None),
    ("MG01", "Mariana Costa", None),
    ("MG01", "Rafael Gomes", None),
)

MANAGERS = (
    # store code, name, login
    ("SP01", "Marcos Lima", "marcos.lima"),
    ("RJ01", "Patrícia Rocha", "patricia.rocha"),
    ("MG01", "Renato Dias", "renato.dias"),
)

CATEGORIES = (
    "Vestidos",
    "Blusas",
    "Calças",
    "Saias",
    "Jaquetas",
    "Acessórios",
    "Calçados",
)

PRODUCTS = (
    # name, category, price (BRL)
    ("Vestido Midi Floral", "Vestidos", 329.90),
    ("Vestido Longo de Linho", "Vestidos", 459.90),
    ("Vestido Chemise Listrado", "Vestidos", 289.90),
    ("Blusa de Seda Off-White", "Blusas", 219.90),
    ("Camisa de Linho Azul", "Blusas", 249.90),
    ("Regata Canelada", "Blusas", 89.90),
    ("Blusa Ciganinha Bordada", "Blusas", 179.90),
    ("Calça Wide Leg Alfaiataria", "Calças", 299.90),
    ("Calça Jeans Reta", "Calças", 259.90),
    ("Calça Pantalona Crepe", "Calças", 279.90),
    ("Saia Midi Plissada", "Saias", 239.90),
    ("Saia Jeans Curta", "Saias", 169.90),
    ("Jaqueta Jeans Oversized", "Jaquetas", 349.90),
    ("Blazer de Alfaiataria", "Jaquetas", 529.90),
    ("Trench Coat Bege", "Jaquetas", 689.90),
    ("Bolsa de Couro Caramelo", "Acessórios", 489.90),
    ("Cinto de Couro Trançado", "Acessórios", 129.90),
    ("Lenço de Seda Estampado", "Acessórios", 119.90),
    ("Brinco Dourado Argola", "Acessórios", 99.90),
    ("Sandália de Tiras Nude", "Calçados", 259.90),
    ("Tênis Branco de Couro", "Calçados", 399.90),
    ("Mule de Camurça", "Calçados", 319.90),
    ("Bota Cano Curto", "Calçados", 499.90),
    ("Rasteira Trançada", "Calçados", 149.90),
)

FIRST_NAMES = (
    "Adriana",
    "Alice",
    "Aline",
    "Amanda",
    "Ana Clara",
    "Ana Luiza",
    "Beatriz",
    "Bianca",
    "Bruna",
    "Carla",
    "Carolina",
    "Cecília",
    "Clara",
    "Daniela",
    "Débora",
    "Eduarda",
    "Elisa",
    "Fabiana",
    "Flávia",
    "Gabriela",
    "Giovanna",
    "Isabela",
    "Jéssica",
    "Júlia",
    "Larissa",
    "Laura",
    "Letícia",
    "Lívia",
    "Luana",
    "Luciana",
    "Manuela",
    "Marina",
    "Natália",
    "Paula",
    "Priscila",
    "Rafaela",
    "Renata",
    "Sabrina",
    "Sofia",
    "Tatiane",
    "Valentina",
    "Vanessa",
    "Vitória",
    "André",
    "Caio",
    "Felipe",
    "Gabriel",
    "Henrique",
    "João Pedro",
    "Leonardo",
    "Matheus",
    "Pedro",
    "Rodrigo",
    "Thiago",
    "Vinícius",
)

LAST_NAMES = (
    "Silva",
    "Santos",
    "Oliveira",
    "Souza",
    "Rodrigues",
    "Ferreira",
    "Alves",
    "Pereira",
    "Lima",
    "Gomes",
    "Costa",
    "Ribeiro",
    "Martins",
    "Carvalho",
    "Almeida",
    "Lopes",
    "Soares",
    "Fernandes",
    "Vieira",
    "Barbosa",
    "Rocha",
    "Dias",
    "Nascimento",
    "Andrade",
    "Moreira",
    "Nunes",
    "Marques",
    "Machado",
    "Mendes",
    "Freitas",
    "Cardoso",
    "Ramos",
    "Gonçalves",
    "Santana",
    "Teixeira",
    "Araújo",
    "Cavalcanti",
    "Monteiro",
    "Moura",
    "Campos",
)

# Behaviour profiles: (share of customers, orders in 12 months (min, max),
# days since the most recent order (min, max)).
PROFILES = (
    ("champion", 0.12, (8, 14), (1, 25)),
    ("loyal", 0.22, (4, 8), (5, 60)),
    ("promising", 0.16, (1, 2), (1, 45)),
    ("at_risk", 0.20, (3, 6), (90, 180)),
    ("hibernating", 0.20, (1, 2), (200, 360)),
    ("no_history", 0.10, (0, 0), (0, 0)),
)

CUSTOMERS = 300
ONLINE_SHARE = 0.15


def _slug(text):
    table = str.maketrans("áàâãéêíóôõúüçÁÉÍÓÚÇ", "aaaaeeiooouucAEIOUC")
    return "".join(c for c in text.translate(table).lower() if c.isalnum() or c == " ")


def _mobile(rng, ddd):
    """A valid Brazilian mobile number in E.164 for area code ``ddd``."""
    subscriber = (
        "9" + str(rng.randint(6, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(7))
    )
    return normalize_phone(f"+55{ddd}{subscriber}")


def _pick_profile(rng):
    roll, acc = rng.random(), 0.0
    for profile in PROFILES:
        acc += profile[1]
        if roll < acc:
            return profile
    return PROFILES[-1]


def build_brand(today=None, seed=2026, customers=CUSTOMERS):
    """Return the demo brand as a dict of plain lists (deterministic)."""
    today = today or date.today()
    rng = random.Random(seed)
    sellers_by_store = {}
    sellers = []
    for index, (store_code, name, login) in enumerate(SELLERS):
        first = _slug(name.split()[0]).upper()
        sellers.append(
            {
                "index": index,
                "store": store_code,
                "name": name,
                "code": f"{store_code}-{first}",
                "login": login,
                "email": f"{_slug(name).replace(' ', '.')}@auroramoda.example",
                "phone": _mobile(
                    rng, next(s[8][0] for s in STORES if s[0] == store_code)
                ),
            }
        )
        sellers_by_store.setdefault(store_code, []).append(index)

    result_customers = []
    orders = []
    used_names = set()
    for index in range(customers):
        store = STORES[rng.choices(range(len(STORES)), weights=(5, 3, 2))[0]]
        while True:
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            if rng.random() < 0.35:
                name += f" {rng.choice(LAST_NAMES)}"
            if name not in used_names:
                used_names.add(name)
                break
        ddd = rng.choice(store[8])
        profile = _pick_profile(rng)
        home_sellers = sellers_by_store[store[0]]
        main_seller = rng.choice(home_sellers)
        birth = date(rng.randint(1962, 2004), rng.randint(1, 12), rng.randint(1, 28))
        customer = {
            "index": index,
            "name": name,
            "email": f"{_slug(name).replace(' ', '.')}{rng.randint(1, 99)}@example.com",
            "phone": _mobile(rng, ddd),
            "city": store[3],
            "state": store[4],
            "store": store[0],
            "seller": main_seller,
            "birthdate": birth,
            "profile": profile[0],
        }
        result_customers.append(customer)
        count = rng.randint(*profile[2])
        if not count:
            customer["seller"] = None
            continue
        last_days = rng.randint(*profile[3])
        days = sorted(
            {last_days} | {rng.randint(last_days, 364) for _ in range(count - 1)}
        )
        for days_ago in days:
            online = rng.random() < ONLINE_SHARE
            if rng.random() < 0.75:
                seller = main_seller
            else:
                seller = rng.choice(home_sellers)
            order_store = store[0]
            if not online and rng.random() < 0.08:
                other = rng.choice([s for s in STORES if s[0] != store[0]])
                order_store = other[0]
                seller = rng.choice(sellers_by_store[order_store])
            lines = []
            for product in rng.sample(
                range(len(PRODUCTS)), rng.choices((1, 2, 3, 4), (35, 35, 20, 10))[0]
            ):
                lines.append((product, rng.choices((1, 2), (85, 15))[0]))
            moment = datetime.combine(
                today - timedelta(days=days_ago),
                time(rng.randint(10, 20), rng.randint(0, 59)),
            )
            orders.append(
                {
                    "customer": index,
                    "seller": seller,
                    "store": order_store,
                    "date": moment,
                    "channel": "online" if online else "store",
                    "lines": lines,
                }
            )
    orders.sort(key=lambda o: (o["date"], o["customer"]))
    contacts = _build_contacts(today, seed, result_customers, orders)
    return {
        "brand": BRAND,
        "stores": [
            {
                "code": s[0],
                "name": s[1],
                "kind": s[2],
                "city": s[3],
                "state": s[4],
                "street": s[5],
                "zip": s[6],
                "phone": s[7],
                "area_codes": list(s[8]),
            }
            for s in STORES
        ],
        "managers": [{"store": m[0], "name": m[1], "login": m[2]} for m in MANAGERS],
        "sellers": sellers,
        "customers": result_customers,
        "categories": list(CATEGORIES),
        "products": [{"name": p[0], "category": p[1], "price": p[2]} for p in PRODUCTS],
        "orders": orders,
        "contacts": contacts,
    }


CONTACT_NOTES = (
    "Gostou das novidades, vai passar na loja",
    "Pediu fotos do vestido no tamanho M",
    "Quer ser avisada quando chegar a coleção de verão",
    "Prefere ser chamada depois das 18h",
    "Perguntou sobre a troca da blusa",
)


def _build_contacts(today, seed, customers, orders):
    """Sellers' contacts of the last 90 days: a third of the recent
    purchases were preceded by a contact that reached the customer (1 to 6
    days before, by the seller of the sale); and some contacts led to no
    purchase (reached or not). Their own random sequence: the orders stay
    the same with or without them."""
    rng = random.Random(seed + 1)
    start = datetime.combine(today - timedelta(days=90), time(0, 0))
    contacts = []
    for order in orders:
        if order["date"] < start + timedelta(days=7) or rng.random() >= 0.33:
            continue
        moment = datetime.combine(
            (order["date"] - timedelta(days=rng.randint(1, 6))).date(),
            time(rng.randint(9, 19), rng.randint(0, 59)),
        )
        contacts.append(
            {
                "customer": order["customer"],
                "seller": order["seller"],
                "date": moment,
                "channel": rng.choices(("whatsapp", "call", "sms"), (80, 15, 5))[0],
                "reached": "yes",
                "reason": False,
                "result": "positive",
                "notes": rng.choice(CONTACT_NOTES) if rng.random() < 0.4 else "",
            }
        )
    for customer in customers:
        if customer["seller"] is None or rng.random() >= 0.12:
            continue
        reached = rng.random() < 0.6
        contacts.append(
            {
                "customer": customer["index"],
                "seller": customer["seller"],
                "date": datetime.combine(
                    today - timedelta(days=rng.randint(8, 80)),
                    time(rng.randint(9, 19), rng.randint(0, 59)),
                ),
                "channel": "whatsapp",
                "reached": "yes" if reached else "no",
                "reason": False if reached else "no_answer",
                "result": "neutral",
                "notes": "",
            }
        )
    contacts.sort(key=lambda c: (c["date"], c["customer"]))
    return contacts
