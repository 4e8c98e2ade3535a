"""Demo data: one campaign for each shipped questionnaire, in the places of the
source documents (Tours-Nord and Vierzon, seed 004)."""

from __future__ import annotations

from .campaigns import Campaign

HELP = ("Pour être aidé dans vos démarches en ligne : France Services, l'espace public numérique "
        "ou le centre social de votre quartier. L'accueil y est gratuit.")

# questionnaire id -> (title, quartier, structure, channels)
DEMO = {
    "porteur-de-parole-numerique": ("Porteur de parole : le numérique et nous", "Europe-Chateaubriand, Tours-Nord",
                                    "Centre social", ["porteur-de-parole", "qr", "post-it", "papier"]),
    "questionnaire-structures": ("Questionnaire des structures", "Vierzon", "Structures partenaires",
                                 ["qr", "papier", "tablette"]),
    "besoins-numeriques-habitants": ("Vos besoins numériques", "Quartier du Tunnel, Vierzon", "AJCV",
                                     ["porte-a-porte", "tablette", "qr", "papier"]),
    "ordi-panneau-quotidien": ("Ordi-panneau : le numérique au quotidien", "Europe-Chateaubriand, Tours-Nord",
                               "Médiathèque", ["post-it", "qr"]),
    "ordi-panneau-citoyennete": ("Ordi-panneau : numérique et citoyenneté", "Vierzon", "Centre social du Tunnel",
                                 ["post-it", "qr"]),
    "atelier-education": ("Atelier éducation : les jeunes et les réseaux sociaux", "", "Journée d'échanges",
                          ["papier", "tablette", "post-it"]),
    "atelier-insertion": ("Atelier insertion : numérique et accès aux droits", "", "Journée d'échanges",
                          ["papier", "tablette", "post-it"]),
    "atelier-citoyennete": ("Atelier citoyenneté : participer grâce au numérique", "", "Journée d'échanges",
                            ["papier", "tablette", "post-it"]),
    "fiche-initiative": ("Recensement des initiatives locales", "", "Réseau des structures", ["qr", "papier"]),
}


def demo_campaigns(library) -> list[Campaign]:
    campaigns = []
    for questionnaire_id, (title, quartier, structure, channels) in DEMO.items():
        if library.get(questionnaire_id) is None:
            continue
        campaigns.append(Campaign(
            id=questionnaire_id, title=title, questionnaire=questionnaire_id, quartier=quartier,
            structure=structure, channels=channels, help_text=HELP,
            description="Campagne de démonstration.",
        ))
    return campaigns


def load_demo(services) -> list[Campaign]:
    """Create the demo campaigns that do not exist yet (never overwrites a real one)."""
    created = []
    for campaign in demo_campaigns(services.library):
        if services.campaigns.get(campaign.id) is None:
            services.campaigns.save(campaign)
            created.append(campaign)
    return created
