"""Word lists and price catalogue the demo company is made from (all fictitious)."""

from __future__ import annotations


def _words(text: str, sep: str | None = None) -> list[str]:
    return [word.strip() for word in text.split(sep)]


TRADES = _words(
    "Boulangerie Transports Cabinet Menuiserie Studio Garage Pharmacie Librairie Imprimerie "
    "Agence Fromagerie Plomberie Électricité Hôtel Restaurant Domaine Clinique Galerie "
    "Architectes Brasserie Optique Bijouterie Fleuriste Charpente Concept-store"
)
SURNAMES = _words(
    "Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent "
    "Lefebvre Michel Garcia David Bertrand Roux Vincent Fournier Morel Girard André Mercier "
    "Bonnet Dupont Lambert Fontaine Rousseau Blanc Guérin Faure Chevalier Gauthier Perrin"
)
FIRST_NAMES = _words("Jean Marie Luc Claire Paul Sophie Nicolas Camille Julien Élodie Hugo Inès")
CITIES = [
    tuple(city.split(" ", 1))
    for city in _words(
        "69002 Lyon, 69100 Villeurbanne, 75011 Paris, 75008 Paris, 13002 Marseille, "
        "33000 Bordeaux, 44000 Nantes, 59000 Lille, 31000 Toulouse, 67000 Strasbourg, "
        "35000 Rennes, 06000 Nice, 21000 Dijon, 63000 Clermont-Ferrand, 38000 Grenoble, "
        "42000 Saint-Étienne, 74000 Annecy, 49000 Angers, 37000 Tours, 34000 Montpellier",
        sep=",",
    )
]
STREETS = _words(
    "rue de la République, avenue Jean Jaurès, boulevard Gambetta, rue Victor Hugo, "
    "place Bellecour, rue du Commerce, quai Saint-Antoine, rue des Tanneurs",
    sep=",",
)
PROJECT = "Mise en lumière du hall d'accueil"
FORMS = ["SARL", "SARL", "SAS", "SAS", "SA", "EURL", "SASU"]
BANKS = ["30004", "30003", "20041", "10278", "30002", "10107", "18206", "11315", "30006"]

# description, unit (UN/ECE rec. 20), unit price range in euros, VAT rate, weight.
BUSINESS_LINES = [
    ("Conception lumière — journée de studio", "DAY", (450, 750), "20", 6),
    ("Étude photométrique et plans d'implantation", "LS", (600, 1800), "20", 3),
    ("Installation de luminaires", "HUR", (45, 75), "20", 8),
    ("Suspension LED sur mesure", "C62", (120, 480), "20", 5),
    ("Spot encastrable LED 3000 K", "C62", (18, 65), "20", 6),
    ("Ruban LED haute densité", "MTR", (12, 35), "20", 4),
    ("Contrat de maintenance annuel", "LS", (300, 1200), "20", 3),
    ("Mise en lumière de vitrine", "LS", (800, 3500), "20", 2),
    ("Location de matériel scénique", "DAY", (90, 350), "20", 2),
    ("Frais de déplacement", "C62", (30, 120), "20", 4),
    ("Rénovation de l'éclairage d'un logement de plus de 2 ans", "HUR", (45, 65), "10", 2),
    ("Ouvrage « Éclairer l'architecture »", "C62", (29, 45), "5.5", 1),
]
HOME_LINES = [
    ("Rénovation de l'éclairage d'un logement de plus de 2 ans", "HUR", (45, 65), "10", 6),
    ("Fourniture et pose de luminaires (logement)", "C62", (80, 300), "10", 5),
    ("Frais de déplacement", "C62", (30, 60), "20", 2),
    ("Ouvrage « Éclairer l'architecture »", "C62", (29, 45), "5.5", 1),
]

# fate: (share of the invoices, at least, issued between this many days ago and that many)
FATES = {
    "credit_full": (0.006, 1, 30, 730),
    "credit_partial": (0.009, 1, 30, 730),
    "dispute": (0.01, 2, 45, 400),
    "partial": (0.01, 2, 45, 300),  # one instalment paid, the rest still awaited
    "overpaid": (0.006, 1, 60, 730),
    "gap": (0.015, 1, 60, 730),  # paid a few cents short, the gap written off
    "bad_debt": (0.002, 1, 400, 730),
}
