"""The demo community: who lives there. Earlier in the list = more popular."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Person:
    username: str
    name: str
    bio: str
    topics: tuple[str, ...]
    bot: bool = False


PEOPLE = [
    Person("ada", "Ada Okafor", "Runs this little Roost. Open source, old computers, long walks. she/her",
           ("code", "city")),
    Person("mara", "Mara Lindqvist", "Landscape photographer chasing light in the north. Prints on request.",
           ("photo", "hike")),
    Person("teo", "Teodor Vasile", "Amateur astronomer with a 10-inch Dobsonian and a very cloudy sky.",
           ("astro", "science")),
    Person("juniper", "Juniper Hale", "Allotment, seeds, compost evangelism. Mostly tomatoes.",
           ("garden", "food")),
    Person("sam_rivers", "Sam Rivers", "Birder. Counting what flies past the kitchen window since 2009.",
           ("birds", "photo")),
    Person("priya", "Priya Raman", "Backend engineer. PostgreSQL enjoyer. Bakes bread while the tests run.",
           ("code", "bake")),
    Person("oskar", "Oskar Brandt", "Bike commuter, bike mechanic, bike person.", ("bike", "city")),
    Person("lena_bakes", "Lena Moreau", "Sourdough, laminated dough, flour everywhere.", ("bake", "food")),
    Person("kofi", "Kofi Mensah", "Jazz trumpet, vinyl, late trains.", ("music", "city")),
    Person("ines", "Inês Carvalho", "Marine biologist. Tide pools are the best pools.", ("sea", "science")),
    Person("hugo", "Hugo Lefèvre", "Reads too many books at once. Currently: five.", ("books", "tea")),
    Person("yuki", "Yuki Tanaka", "Ceramics studio, glaze experiments, tea bowls.", ("craft", "tea")),
    Person("rafa", "Rafael Torres", "Climber. Mostly bouldering, sometimes falling.", ("climb", "hike")),
    Person("nora", "Nora Byrne", "Espresso nerd. Dial-in diaries.", ("coffee", "food")),
    Person("felix", "Felix Wagner", "Chess club treasurer. Blunders are learning opportunities.",
           ("chess", "books")),
    Person("amara", "Amara Eze", "Running slow, running far. Trail ultras and bad knees.", ("run", "hike")),
    Person("bea", "Beatriz Santos", "Urban sketching, one street corner at a time.", ("craft", "city")),
    Person("milo", "Milo Grant", "Film photography, and films. Both kinds of film.", ("film", "photo")),
    Person("zara", "Zara Quinn", "Home cook. The spice drawer is larger than the fridge.", ("food", "garden")),
    Person("dev_anand", "Dev Anand", "Rust, Python, and too many side projects.", ("code", "science")),
    Person("elin", "Elin Berg", "Sailing small boats on big lakes.", ("sea", "hike")),
    Person("tomas", "Tomás Herrera", "Woodworking with hand tools. Sawdust is a lifestyle.", ("craft", "city")),
    Person("grace", "Grace Liu", "Physics teacher. Will explain rainbows unprompted.", ("science", "astro")),
    Person("otto", "Otto Keller", "Retro computing. 8-bit everything, including the music.", ("code", "music")),
    Person("sofia", "Sofia Rossi", "Beekeeper. Three hives, sixty thousand roommates.", ("garden", "birds")),
    Person("ravi", "Ravi Patel", "Tea, cricket and quiet mornings.", ("tea", "books")),
    Person("chloe", "Chloé Martin", "Knitting socks nobody asked for.", ("craft", "film")),
    Person("jonas", "Jonas Nielsen", "Hiking the long way round.", ("hike", "photo")),
    Person("maya", "Maya Cohen", "Cinema, popcorn, strong opinions about endings.", ("film", "books")),
    Person("leo", "Leo Fischer", "City cycling advocate. More trees, fewer parking spaces.", ("bike", "city")),
    Person("aiko", "Aiko Mori", "Birds, bread and badminton.", ("birds", "bake")),
    Person("finn", "Finn O'Brien", "Roasting coffee in a garage. The neighbours love it.", ("coffee", "music")),
    Person("wren", "Wren Ellis", "Notes on moss and weather.", ("garden", "hike")),
    Person("paz", "Paz Domínguez", "Astrophotography on a budget.", ("astro", "photo")),
    Person("nils", "Nils Ahlgren", "New here! Learning chess and bread, slowly.", ("chess", "bake")),
    Person("roost_tips", "Roost Tips", "Tips for getting around this server. Automated, but friendly.",
           ("tips",), bot=True),
]

LOGIN = "ada"            # the account the demo prints a login for (an admin, and locked)
REQUESTER = "nils"       # asks to follow the locked account; the request stays pending
