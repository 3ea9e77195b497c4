"""Name pools for the synthetic population, weighted roughly like Los Angeles
County's CalWORKs caseload (about half Latino, then Black, White, Asian).

Variants used as record noise come from two places: the `nicknames` package
(English hypocorisms) and the Spanish diminutives below, which that package
lacks. The matcher must not read this module: noise and cure stay independent.
"""

import importlib.resources
import unicodedata
from functools import cache

import numpy as np

GROUP_WEIGHTS = {
    "latino": 0.52,
    "black": 0.18,
    "white": 0.16,
    "asian": 0.10,
    "other": 0.04,
}

FIRST_F = {
    "latino": "Maria Guadalupe Ana Rosa Veronica Yesenia Jessica Daniela Alejandra Andrea "
    "Gabriela Esmeralda Adriana Leticia Brenda Karina Claudia Patricia Sofia Valeria "
    "Ximena Camila Isabella Natalia Mariana Fernanda Jasmin Araceli Beatriz Dolores "
    "Josefina Margarita Concepcion Consuelo Graciela Luz Marisol Rocio Elizabeth Yolanda",
    "black": "Aaliyah Jasmine Destiny Imani Keisha Latoya Tamika Shanice Brianna Kiara "
    "Ebony Monique Tiana Aisha Jada Nia Zoe Ariana Danielle Erica Kimberly Tanisha "
    "Kayla Alicia Crystal Janelle Raven Deja Makayla Sierra",
    "white": "Jennifer Jessica Ashley Amanda Sarah Elizabeth Emily Megan Rebecca Katherine "
    "Samantha Rachel Hannah Abigail Madison Victoria Christina Stephanie Nicole Heather "
    "Margaret Susan Deborah Patricia Kathleen Abbigail Jacqueline Melissa Cynthia Angela",
    "asian": "Mai Linh Thuy Hoa Jennifer Grace Michelle Christine Angela Joyce Mei Ling "
    "Hana Yuki Soo Ji Min Maricel Rowena Jocelyn Kristine Analyn Thi Lan Phuong Nga "
    "Sophia Emily Tiffany Vivian Cindy",
    "other": "Fatima Mariam Leila Noor Anahit Armine Lusine Nare Tamar Yasmin Sara Amina",
}
FIRST_M = {
    "latino": "Jose Juan Luis Carlos Jesus Francisco Miguel Alejandro Antonio Manuel "
    "Roberto Ricardo Eduardo Fernando Javier Sergio Jorge Daniel David Mario Enrique "
    "Guillermo Rafael Raul Ignacio Salvador Alberto Arturo Gerardo Hector Oscar Ruben "
    "Angel Diego Mateo Santiago Emiliano Adrian Ivan Cesar",
    "black": "Jamal DeShawn Tyrone Marcus Darnell Andre Terrell Malik Jaylen Isaiah "
    "Jermaine Darius Xavier Cedric Reginald Anthony Michael Christopher Brandon "
    "Jordan Elijah Josiah Kendrick Dwayne Lamar Rashad Tyree Devonte Kevin Calvin",
    "white": "Michael Christopher Matthew Joshua Daniel David James Robert John Joseph "
    "Andrew Ryan Brandon Jason Justin William Jonathan Nicholas Anthony Thomas Richard "
    "Steven Kevin Timothy Benjamin Zachary Tyler Aaron Edward Charles",
    "asian": "Minh Tuan Hung Duc Nguyen Jun Kenji Hiroshi Jin Sung Min Ho Wei Jian "
    "Kevin Brian Eric Jason Ryan Vincent Jerome Mark Rodel Joel Ramon Bao Khanh Long "
    "Andrew Daniel Peter",
    "other": "Ali Omar Hassan Arman Tigran Aram Davit Gor Karen Samir Yusuf Ahmad",
}
LAST = {
    "latino": "Garcia Hernandez Lopez Martinez Gonzalez Rodriguez Perez Sanchez Ramirez "
    "Flores Gomez Torres Diaz Reyes Morales Cruz Ortiz Gutierrez Chavez Ramos Ruiz "
    "Mendoza Alvarez Castillo Jimenez Vasquez Moreno Herrera Medina Aguilar Vargas "
    "Castro Guzman Fernandez Juarez Salazar Rojas Nunez Contreras Dominguez Velasquez "
    "Estrada Avila Rios Soto Delgado Orozco Navarro Cervantes Zamora Ochoa Magana",
    "black": "Johnson Williams Brown Jones Jackson Davis Smith Robinson Harris Thomas "
    "Washington Moore Taylor White Thompson Green Walker Lewis Hall Young Allen King "
    "Wright Scott Hill Baker Coleman Jenkins Bell Carter",
    "white": "Smith Johnson Miller Anderson Wilson Taylor Moore Martin Thompson Clark "
    "Lewis Walker Hall Allen Young King Wright Scott Green Adams Baker Nelson Campbell "
    "Mitchell Roberts Carter Phillips Evans Turner Parker Collins Edwards Stewart Murphy "
    "O'Brien McDonald Sullivan Kowalski Schneider Van Dyke",
    "asian": "Nguyen Tran Le Pham Kim Lee Park Chen Wang Li Zhang Liu Huang Wong Chang "
    "Santos Reyes Cruz Bautista Ocampo Garcia Dela Cruz Tanaka Yamamoto Choi Jung Vo "
    "Dang Bui Do Ho Ngo Duong Ly",
    "other": "Petrosyan Hakobyan Sargsyan Grigoryan Harutyunyan Khan Ahmed Hussein "
    "Haddad Nasser Aziz Rahman",
}

# Spanish diminutives and short forms (formal -> familiar)
SPANISH_DIMINUTIVES = {
    "Jose": ["Pepe", "Chepe"],
    "Francisco": ["Paco", "Pancho", "Frank"],
    "Guadalupe": ["Lupe", "Lupita"],
    "Jesus": ["Chuy", "Chucho"],
    "Enrique": ["Kike", "Henry"],
    "Alejandro": ["Alex", "Alejo"],
    "Alejandra": ["Alex", "Ale"],
    "Guillermo": ["Memo", "Willie"],
    "Ignacio": ["Nacho"],
    "Roberto": ["Beto", "Bob"],
    "Alberto": ["Beto"],
    "Eduardo": ["Lalo"],
    "Concepcion": ["Concha", "Conchita"],
    "Dolores": ["Lola"],
    "Rosa": ["Rosita", "Chayo"],
    "Manuel": ["Manny", "Manolo"],
    "Antonio": ["Tony", "Toño"],
    "Maria": ["Mary", "Mari"],
    "Margarita": ["Margie", "Mago"],
    "Josefina": ["Josie", "Fina"],
    "Ricardo": ["Richard", "Ricky"],
    "Salvador": ["Chava"],
    "Rafael": ["Rafa"],
    "Fernando": ["Nando"],
    "Santiago": ["Santi"],
    "Gabriela": ["Gaby"],
    "Graciela": ["Chela"],
    "Consuelo": ["Chelo"],
}

MIDDLE_POOL = "Marie Ann Lynn Rose Elizabeth Lee James Michael Antonio Luis Jose Maria Alexander Grace Jean Renee Ray Edward".split()

CITIES = [
    ("Los Angeles", "900"),
    ("Long Beach", "908"),
    ("Pomona", "917"),
    ("Lancaster", "935"),
    ("Palmdale", "935"),
    ("El Monte", "917"),
    ("Compton", "902"),
    ("Inglewood", "903"),
    ("Pasadena", "911"),
    ("Norwalk", "906"),
    ("Downey", "902"),
    ("Glendale", "912"),
    ("West Covina", "917"),
    ("Lynwood", "902"),
    ("Whittier", "906"),
]
STREETS = "Main Broadway Figueroa Vermont Western Slauson Florence Manchester Atlantic Pacific Olympic Pico Sunset Valley Avalon Central Crenshaw Imperial Rosecrans Alondra".split()
STREET_TYPES = ["St", "Ave", "Blvd", "Dr", "Way"]


def pool(table: dict[str, str]) -> dict[str, list[str]]:
    return {group: names.split() for group, names in table.items()}


@cache
def census(kind: str) -> tuple[np.ndarray, np.ndarray]:
    """US Census frequency lists shipped by the `names` package: `male.first`,
    `female.first` (about 1,200 and 4,300 names) or `all.last` (88,799 surnames).
    Returns (title-cased names, probabilities). They give the population the
    long tail of a real county; the pools above give it its most common names."""
    path = importlib.resources.files("names") / f"dist.{kind}"
    rows = [line.split() for line in path.read_text().splitlines() if line.strip()]
    names_ = np.array([r[0].title() for r in rows], dtype=object)
    freq = np.array([float(r[1]) for r in rows])
    freq = np.where(freq > 0, freq, freq[freq > 0].min() / 2)
    return names_, freq / freq.sum()


# How Spanish-language data entry writes names it recognises (record noise
# `accent_case`): plain-ASCII spelling -> accented spelling.
_ACCENTED_NAMES = (
    # first names
    "José Jesús María Raúl Ramón Andrés Sofía Ángel Adrián Iván César Héctor Óscar "
    "Rubén Concepción Rocío Verónica Martín Joaquín Simón Lucía Inés Mónica Belén "
    "Fátima Germán Julián Sebastián Agustín Nicolás Tomás Víctor Efraín Elías Matías "
    "Darío Álvaro Cristián "
    # surnames
    "Hernández Martínez González Rodríguez Pérez Sánchez Ramírez Gómez Díaz "
    "Jiménez Vásquez Fernández Domínguez Velásquez Gutiérrez Álvarez Chávez "
    "Núñez Peña Muñoz Ibáñez Cortés Ávila Ríos Juárez Gálvez Márquez Báez Beltrán "
    "Durán Galván Guzmán Luján Montaño Magaña Ordóñez Quiñónez Sáenz Suárez Téllez "
    "Valdés Vélez Yáñez Zúñiga Alarcón Calderón Colón Girón León Morán Rincón Solís "
    "Velázquez Méndez Benítez Ocaña Avilés Muñiz"
).split()


def _plain(name: str) -> str:
    return "".join(
        c for c in unicodedata.normalize("NFD", name) if not unicodedata.combining(c)
    )


ACCENTED = {_plain(a): a for a in _ACCENTED_NAMES if _plain(a) != a}
