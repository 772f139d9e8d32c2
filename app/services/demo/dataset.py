"""Realistic German demo data: deterministic for a seed, fast enough for 100,000 customers.

Rows are written with bulk inserts in one transaction. The customers are created the one way
every customer is (`customers.creating`: the form's rules, numbers, search text, history and
audit), so demo customers are found and treated exactly like typed ones.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import Table, func, insert, select
from sqlalchemy.orm import Session

from app.db import Database
from app.models import Address, ContactPerson, Customer, Interaction, Sale
from app.services import bulk
from app.services.clock import Clock
from app.services.customers.creating import Created, NewCustomer, create_customers, new_customer
from app.services.customers.dto import Birthday, CustomerInput
from app.services.customers.numbers import NumberAllocator
from app.services.customers.rules import validated
from app.services.customers.search_text import customer_search_text
from app.services.progress import NO_PROGRESS, Progress

FIRST_FEMALE = ("Anna", "Maria", "Ursula", "Monika", "Petra", "Sabine", "Claudia", "Julia",
                "Katharina", "Sophie", "Lena", "Jana", "Birgit", "Renate", "Elke", "Sandra",
                "Andrea", "Stefanie", "Nicole", "Helga", "Ingrid", "Gisela", "Hannah", "Lea",
                "Marie", "Franziska", "Verena", "Bärbel", "Jutta", "Susanne")
FIRST_MALE = ("Thomas", "Michael", "Andreas", "Stefan", "Peter", "Klaus", "Jürgen", "Wolfgang",
              "Markus", "Frank", "Uwe", "Bernd", "Jörg", "Matthias", "Tobias", "Lukas",
              "Jonas", "Florian", "Sebastian", "Dieter", "Günter", "Horst", "Ralf", "Sven",
              "Christian", "Alexander", "Martin", "Hans", "Karl", "Björn")
LAST_NAMES = ("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
              "Schulz", "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf",
              "Schröder", "Neumann", "Schwarz", "Zimmermann", "Braun", "Krüger", "Hofmann",
              "Hartmann", "Lange", "Schmitt", "Werner", "Schmitz", "Krause", "Meier", "Lehmann",
              "Schmid", "Schulze", "Maier", "Köhler", "Herrmann", "König", "Walter", "Mayer",
              "Huber", "Kaiser", "Fuchs", "Peters", "Lang", "Scholz", "Möller", "Weiß", "Jung",
              "Hahn", "Vogel", "Friedrich", "Keller", "Günther", "Frank", "Berger", "Winkler",
              "Roth", "Beck", "Lorenz", "Baumann", "Franke", "Albrecht", "Schuster", "Simon",
              "Ludwig", "Böhm", "Winter", "Kraus", "Martin", "Schumacher", "Krämer", "Vogt",
              "Stein", "Jäger", "Otto", "Sommer", "Groß", "Seidel", "Heinrich", "Brandt",
              "Haas", "Schreiber", "Graf", "Dietrich", "Ziegler", "Kuhn", "Kühn", "Pohl",
              "Engel", "Horn", "Busch", "Bergmann", "Thomas", "Voigt", "Sauer", "Arnold",
              "Wolff", "Pfeiffer", "Łukasiewicz", "Dvořák", "Yılmaz", "Nowak")
STREETS = ("Hauptstraße", "Schulstraße", "Gartenstraße", "Bahnhofstraße", "Dorfstraße",
           "Bergstraße", "Birkenweg", "Lindenstraße", "Kirchstraße", "Waldstraße", "Ringstraße",
           "Schillerstraße", "Goethestraße", "Jahnstraße", "Am Markt", "Mühlenweg",
           "Wiesenweg", "Rosenstraße", "Eichenweg", "Friedhofstraße", "Feldstraße",
           "Mozartstraße", "Beethovenstraße", "Im Winkel", "Talstraße", "Ahornweg")
# (postcode, city, area code without the leading 0)
PLACES = (("10115", "Berlin", "30"), ("10247", "Berlin", "30"), ("12043", "Berlin", "30"),
          ("20095", "Hamburg", "40"), ("22765", "Hamburg", "40"), ("80331", "München", "89"),
          ("81667", "München", "89"), ("50667", "Köln", "221"), ("60311", "Frankfurt am Main",
          "69"), ("70173", "Stuttgart", "711"), ("01067", "Dresden", "351"),
          ("04109", "Leipzig", "341"), ("30159", "Hannover", "511"), ("90402", "Nürnberg",
          "911"), ("28195", "Bremen", "421"), ("44135", "Dortmund", "231"),
          ("45127", "Essen", "201"), ("40213", "Düsseldorf", "211"), ("93047", "Regensburg",
          "941"), ("79098", "Freiburg im Breisgau", "761"), ("97070", "Würzburg", "931"),
          ("24103", "Kiel", "431"), ("18055", "Rostock", "381"), ("99084", "Erfurt", "361"),
          ("06108", "Halle (Saale)", "345"), ("87435", "Kempten (Allgäu)", "831"),
          ("83022", "Rosenheim", "8031"), ("35037", "Marburg", "6421"),
          ("37073", "Göttingen", "551"), ("88045", "Friedrichshafen", "7541"))
COMPANY_KINDS = ("Hausverwaltung", "Immobilien", "Bäckerei", "Gasthaus", "Autohaus",
                 "Arztpraxis", "Kanzlei", "Wohnungsbau", "Hotel", "Metzgerei")
COMPANY_FORMS = ("GmbH", "GmbH & Co. KG", "KG", "e.K.", "GbR", "AG")
ROLES = ("Geschäftsführung", "Einkauf", "Buchhaltung", "Hausmeister", "Objektbetreuung",
         "Sekretariat")
SERVICES = ("Heizungswartung", "Badsanierung", "Fensterreinigung", "Dachrinne gereinigt",
            "Rohrreinigung", "Schornsteinfegen", "Gartenpflege", "Malerarbeiten Wohnzimmer",
            "Thermostat getauscht", "Reparatur Wasserhahn", "Notdienst Heizung",
            "Fliesenarbeiten Küche", "Türschloss erneuert", "Elektro-Check")
NOTES = ("Hund im Garten, bitte klingeln.", "Schlüssel beim Nachbarn.", "Zahlt immer pünktlich.",
         "Bevorzugt Termine am Vormittag.", "", "", "", "")
TAGS = ("Wartungsvertrag", "Gewerbe", "Vermieter", "Neubau", "Empfehlung", "Notdienst")
AUTHOR = "Demo"
STAFF = ("Meister Krause", "Frau Lehmann (Büro)", "Geselle Tim")
CALL_SUBJECTS = ("Terminabsprache", "Rückruf wegen Angebot", "Frage zur Rechnung",
                 "Wartungstermin vereinbart", "Reklamation Heizkörper", "Angebot nachgefasst")


@dataclass(frozen=True)
class DemoResult:
    customers: int
    contacts: int
    interactions: int
    sales: int


def fill(db: Database, clock: Clock, *, customers: int, seed: int = 1,
         progress: Progress = NO_PROGRESS) -> DemoResult:
    """Add `customers` demo customers (with contacts, history and sales) in one transaction."""
    rnd = random.Random(seed)
    now = clock.now()
    today = clock.today()
    counts = {"contacts": 0, "interactions": 0, "sales": 0}
    with db.write() as session:
        numbers = NumberAllocator(session, taken=set(session.scalars(
            select(Customer.number))).__contains__)
        sale_no = (session.scalar(select(func.count(Sale.id))) or 0) + 1
        batch = 5000
        for start in range(0, customers, batch):
            progress.checkpoint()
            # Rows of other tables name their customer by its place in the batch (`cid`)
            # until the customers are created and have their ids.
            new: list[NewCustomer] = []
            contacts: dict[int, list[ContactPerson]] = {}
            contact_rows, history_rows, sale_rows, address_rows = [], [], [], []
            for cid in range(min(batch, customers - start)):
                data = _customer(rnd, today)
                ages = _sale_ages(rnd, rnd.choice((0, 1, 2, 3, 5, 8, 12)))
                # a customer exists before the first purchase
                age = max(rnd.randint(30, 3000), max(ages, default=0) + rnd.randint(7, 60))
                created = now - timedelta(days=age)
                if data.kind == "business":
                    for index in range(rnd.randint(1, 3)):
                        female = rnd.random() < 0.5
                        contact = ContactPerson(
                            customer_id=cid,
                            salutation="Frau" if female else "Herr", title="",
                            first_name=rnd.choice(FIRST_FEMALE if female else FIRST_MALE),
                            last_name=rnd.choice(LAST_NAMES), role=rnd.choice(ROLES),
                            phone=data.phone, email="", is_primary=index == 0)
                        contacts.setdefault(cid, []).append(contact)
                        contact_rows.append(_columns(contact))
                    if rnd.random() < 0.5:
                        postcode, city, _area = rnd.choice(PLACES)
                        address_rows.append({
                            "customer_id": cid, "label": "Objekt " + rnd.choice(STREETS),
                            "street": f"{rnd.choice(STREETS)} {rnd.randint(1, 80)}",
                            "postcode": postcode, "city": city, "country": "DE", "notes": ""})
                tags = tuple(rnd.sample(TAGS, k=rnd.choice((0, 0, 0, 1, 1, 2))))
                new.append(replace(new_customer(replace(data, tags=tags),
                                                validated(data, today=now)),
                                   created_at=created))
                for _ in range(rnd.choice((0, 1, 1, 2, 3))):
                    when = min(now, _office_hours(rnd, now - timedelta(
                        days=rnd.randint(0, min(700, age)))))
                    history_rows.append({
                        "customer_id": cid, "occurred_at": when,
                        "channel": rnd.choice(("phone", "phone", "visit", "email", "order")),
                        "subject": rnd.choice(CALL_SUBJECTS), "text": "",
                        "author": rnd.choice(STAFF), "created_at": when})
                # a few customers carry the business (Pareto): a spending scale per customer
                scale = rnd.lognormvariate(0.0, 0.9) * (2.5 if data.kind == "business" else 1)
                for ago in ages:
                    sale_rows.append({
                        "customer_id": cid, "sale_date": today - timedelta(days=ago),
                        "amount_cents": int(rnd.lognormvariate(10.6, 0.8) * scale) // 10 * 10
                        + 990,
                        "description": rnd.choice(SERVICES),
                        "document_no": f"RE-{sale_no:07d}", "created_at": now})
                    sale_no += 1
                if ages:  # the latest job was also a contact: recent buyers are not "silent"
                    when = min(now, _office_hours(rnd, now - timedelta(days=ages[0])))
                    history_rows.append({
                        "customer_id": cid, "occurred_at": when, "channel": "order",
                        "subject": f"Auftrag: {sale_rows[-len(ages)]['description']}",
                        "text": "", "author": rnd.choice(STAFF), "created_at": when})
            # The one way customers are created (numbers, search text, history, audit).
            made = create_customers(session, new, now=now, by=AUTHOR, allocator=numbers)
            ids = [customer.id for customer in made]
            for row in (*contact_rows, *address_rows, *history_rows, *sale_rows):
                row["customer_id"] = ids[cast(int, row["customer_id"])]
            # Core executemany per table: an order of magnitude faster than ORM objects.
            for model, table_rows in ((ContactPerson, contact_rows), (Address, address_rows),
                                      (Interaction, history_rows), (Sale, sale_rows)):
                if table_rows:
                    session.execute(insert(cast(Table, model.__table__)), table_rows)
            _find_by_contacts(session, made, new, contacts)
            counts["contacts"] += len(contact_rows)
            counts["interactions"] += len(history_rows) + len(made)
            counts["sales"] += len(sale_rows)
            progress.report(start + len(new), customers, "Demodaten")
        session.commit()
    return DemoResult(customers=customers, **counts)


def _find_by_contacts(session: Session, made: list[Created], new: list[NewCustomer],
                      contacts: dict[int, list[ContactPerson]]) -> None:
    """Add the contact persons' names and phones to their company's search text, as the
    customer service does when a contact person is added."""
    ids, texts = [], []
    for index, people in contacts.items():
        customer = Customer(number=made[index].number, **new[index].values)
        customer.contacts = people
        ids.append(made[index].id)
        texts.append(customer_search_text(customer))
    bulk.update_columns(session, Customer, ids, {"search_text": texts})


def _office_hours(rnd: random.Random, moment: datetime) -> datetime:
    return moment.replace(hour=rnd.randint(7, 17), minute=rnd.choice((0, 10, 15, 30, 45)),
                          second=0, microsecond=0)


def _sale_ages(rnd: random.Random, count: int) -> list[int]:
    """Days since each of a customer's purchases, within three years.

    Customers buy in a rhythm (a yearly maintenance, a quarterly order) and most bought
    recently; about one in eight has stopped, so churn risk and the reactivation rule pick
    out a believable few instead of everyone with an old purchase.
    """
    if count == 0:
        return []
    if count == 1:
        return [rnd.randint(0, 420)]
    rhythm = min(rnd.choice((91, 182, 365, 365, 540)), 1095 // count)
    lapsed = rnd.random() < 0.12
    last = int(rhythm * rnd.uniform(2.2, 3.0)) if lapsed else rnd.randint(0, rhythm)
    ages = [last]
    for _ in range(count - 1):
        ages.append(ages[-1] + int(rhythm * rnd.uniform(0.8, 1.2)))
    return [min(age, 1095) for age in ages]


def _customer(rnd: random.Random, today: object) -> CustomerInput:
    postcode, city, area = rnd.choice(PLACES)
    business = rnd.random() < 0.15
    female = rnd.random() < 0.5
    first = rnd.choice(FIRST_FEMALE if female else FIRST_MALE)
    last = rnd.choice(LAST_NAMES)
    phone = f"+49{area}{rnd.randint(200000, 9899999)}" if rnd.random() < 0.85 else ""
    prefix = rnd.choice(("151", "160", "170", "171", "176"))
    mobile = f"+49{prefix}{rnd.randint(10000000, 99999999)}" if rnd.random() < 0.5 else ""
    has_birthday = not business and rnd.random() < 0.6
    year = rnd.randint(1940, 2004) if rnd.random() < 0.8 else None
    return CustomerInput(
        kind="business" if business else "private",
        salutation="" if business else ("Frau" if female else "Herr"),
        title="Dr." if not business and rnd.random() < 0.05 else "",
        first_name="" if business else first,
        last_name="" if business else last,
        company=f"{rnd.choice(COMPANY_KINDS)} {last} {rnd.choice(COMPANY_FORMS)}"
        if business else "",
        street=f"{rnd.choice(STREETS)} {rnd.randint(1, 120)}",
        postcode=postcode, city=city, country="DE",
        email=(f"{_ascii(first)}.{_ascii(last)}{rnd.randint(1, 99)}@example.de".lower()
               if rnd.random() < 0.6 else ""),
        phone=phone, mobile=mobile,
        birthday=Birthday(rnd.randint(1, 28), rnd.randint(1, 12), year) if has_birthday else None,
        notes=rnd.choice(NOTES), owner=rnd.choice(STAFF + ("",)),
    )


def _ascii(name: str) -> str:
    from app.services.text import word_variants

    return sorted(word_variants(name), key=len)[-1]


def _columns(obj: object) -> dict[str, object]:
    mapper = obj.__mapper__  # type: ignore[attr-defined]
    return {attr.key: getattr(obj, attr.key) for attr in mapper.column_attrs
            if getattr(obj, attr.key) is not None or attr.key != "id"}
