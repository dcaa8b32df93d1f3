"""Read event types and actors from a sentence's wording (English and Arabic).

Each type has *specific* wording (shelling, warplanes, IED …) and the sentence gets every
type whose wording it uses, in reading order. Generic verbs (attack, hit, targeted, struck)
give no type by themselves: :func:`event_types` reports them as ``generic`` so the caller
can continue the previous event, or fall back to an armed clash for "attack".

Actors are named groups mapped to ACLED's actor names. The perpetrator (``actor1``) is told
from the target by the words around the name: "by regime artillery" and "Russian jets struck"
name perpetrators; "on Turkish forces" and "three Russian soldiers were wounded" name
targets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from geo.incidents.schema import EventKind
from geo.ingest.first_chars import leading

_I = re.IGNORECASE

_ERV = "Explosions/Remote violence"
SHELLING = EventKind(_ERV, "Shelling/artillery/missile attack")
MISSILE = EventKind(_ERV, "Shelling/artillery/missile attack", "missile")
AIR = EventKind(_ERV, "Air/drone strike")
DRONE = EventKind(_ERV, "Air/drone strike", "drone")
IED = EventKind(_ERV, "Remote explosive/landmine/IED")
CLASH = EventKind("Battles", "Armed clash")

_W = r"(?<![\w-])"  # a word start that is not inside a hyphenated word
#: Specific wording of each type, most specific first (a drone's missile is a drone strike).
_TYPE_WORDS: tuple[tuple[EventKind, re.Pattern[str]], ...] = (
    (DRONE, leading(_W + r"(?:drones?|uavs?|kamikaze|loitering munitions?|quadcopters?)\b|"
        r"طائر(?:ة|ات) مسير|مسيّر|المسير(?:ة|ات)|درون|"
        r"\b(?:s?iha|s?İha|S?İHA)(?:['’]\w+|lar\w*|sı\w*)?\b|insansız hava araç\w*", _I)),
    (IED, leading(_W + r"(?:ieds?|vbieds?|improvised explosive|roadside bombs?|car bombs?|"
        r"booby[- ]trapped|explosive devices?|land ?mines?|mines? (?:exploded|went off)|"
        r"bombs? (?:exploded|went off|detonated)|explosive charges?)\b|"
        r"عبو(?:ة|ات) ناسف|لغم|ألغام|مفخخ|"
        r"el yapımı patlayıcı\w*|(?:bomba|patlayıcı) yüklü|bombalı (?:araç|saldırı)\w*|"
        r"\bmayın\w*|tuzaklanmış", _I)),
    (MISSILE, leading(
        _W + r"(?:guided missiles?|anti-?tank (?:guided )?missiles?|atgms?|kornet|konkurs|"
        r"tow missiles?|(?:an?|one|single) (?:[\w-]+ ){0,2}?missile(?! (?:launcher|base)))\b|"
        r"صاروخ موجه|صواريخ موجهة|مضاد للدروع|مضادة للدروع|"
        r"güdümlü füze\w*|tanksavar\w*", _I)),
    (AIR, leading(_W + r"(?:war ?planes?|war ?jets?|jets?|fighter jets?|air ?strikes?|air ?raids?|"
        r"raids?|aircraft|helicopters?|barrel bombs?|bombers?|sukhoi|air force|"
        r"bombed from the air|(?:aerial|air) (?:bombardment|bombing|attacks?|strikes?))\b|"
        r"غار(?:ة|ات)|الطيران الحربي|طائرات? حربي|الطائرات الحربية|"
        r"براميل متفجرة|مروحي|"
        r"savaş uçağ\w*|savaş uçak\w*|hava saldırı\w*|hava harekat\w*|hava bombardıman\w*|"
        r"\bhelikopter\w*|varil bomba\w*", _I)),
    (SHELLING, leading(
        _W + r"(?:shell(?:s|ed|ing)?|artillery|rockets?|mortars?|krasnopol|mlrs|howitzers?|"
        r"missiles?|(?<!aerial )(?<!air )bombard(?:ed|ment|ing)?|grad)\b|"
        r"قصف|قذائف|مدفعي|صاروخي|صواريخ|راجمات|"
        r"karadan karaya|\btop(?:çu)? (?:atış|ateş|mermi)\w*|\btopçu\w*|\broket\w*|\bhavan\w*|"
        r"\bbombardıman\w*|\bobüs\w*|\bfüze\w*", _I)),
    (CLASH, leading(_W + r"(?:clash(?:es|ed)?|infiltrat\w*|firefights?|gunfights?|skirmish\w*|"
        r"exchanged fire|fighting|battles?|ambush\w*|snipers?|sniper fire|"
        r"(?:fighters|gunmen) (?:attacked|stormed|raided)|assaults?)\b|اشتباك|تسلل|معارك|كمين|"
        r"قنص|هاجم|\bçatışma\w*|\bsızma\w*|\bçarpışma\w*", _I)),
)  # fmt: skip
_TYPE_PATTERN = dict(_TYPE_WORDS)
#: Words one of which a type's wording must contain (folded by :func:`fold`): a cheap test
#: before its regex, as in :mod:`geo.ingest.dates`. Keep them in step with the patterns.
_TYPE_TRIGGERS: dict[EventKind, tuple[str, ...]] = {
    DRONE: ("drone", "uav", "kamikaze", "loitering", "quadcopter", "طائر", "مسي", "درون",
            "iha", "insansiz"),
    IED: ("ied", "improvised", "roadside", "bomb", "booby", "explosive", "mine", "ناسف",
          "لغم", "ألغام", "مفخخ", "patlayici", "yüklü", "mayin", "tuzak"),
    MISSILE: ("missile", "atgm", "kornet", "konkurs", "موجه", "للدروع", "güdümlü", "tanksavar"),
    AIR: ("plane", "jet", "air", "aerial", "raid", "helicopter", "barrel", "bomber", "sukhoi",
          "غار", "طيران", "طائر", "براميل", "مروحي", "uça", "hava", "helikopter", "varil"),
    SHELLING: ("shell", "artillery", "rocket", "mortar", "krasnopol", "mlrs", "howitzer",
               "missile", "bombard", "grad", "قصف", "قذائف", "مدفعي", "صاروخي", "صواريخ",
               "راجمات", "karadan", "top", "roket", "havan", "obüs", "füze"),
    CLASH: ("clash", "infiltrat", "firefight", "gunfight", "skirmish", "exchanged fire",
            "fighting", "battle", "ambush", "sniper", "attacked", "stormed", "raided",
            "assault", "اشتباك", "تسلل", "معارك", "كمين", "قنص", "هاجم", "çatişma", "sizma",
            "çarpişma"),
}  # fmt: skip


def fold(text: str) -> str:
    """Return ``text`` casefolded with every Turkish i (ı, İ) as a plain i, for the triggers."""
    return text.casefold().replace("i\u0307", "i").replace("ı", "i")


def holds(folded: str, triggers: tuple[str, ...]) -> bool:
    """Return True if ``folded`` holds one of ``triggers``: ``any(t in folded for t in …)``.

    A plain loop: ``any()`` over a generator resumes the generator once per trigger, and
    these tests are most of the cost of reading a sentence that names no event.
    """
    for t in triggers:  # noqa: SIM110 - see above: faster than any() here
        if t in folded:
            return True
    return False


#: Shelling wording that is only a munition, which aircraft and drones fire too.
_MUNITIONS = re.compile(_W + r"(?:rockets?|missiles?)\b|صواريخ|صاروخي", _I)
_GENERIC = leading(
    _W + r"(?:attack(?:s|ed|ing)?|hit|hits|targeted|targeting|struck|strikes?|strike)\b|"
    r"استهد|هجوم|\bsaldırı\w*|\bsaldırd\w*|\bhedef al\w*|\bvurul\w*",
    _I,
)
_GENERIC_TRIGGERS = ("attack", "hit", "target", "struck", "strike", "استهد", "هجوم", "saldir",
                     "hedef al", "vurul")  # fmt: skip
#: Aircraft seen or flying, not striking: "reconnaissance drones flew over the area".
_RECONNAISSANCE = leading(
    r"\breconnaissance\b|\bfl(?:y|ying|ew|ights?) (?:over|above|in the (?:sky|airspace))|"
    r"\bcircl(?:ed|ing)\b|\bhover\w*|طيران (?:استطلاع|الاستطلاع)|طائرات? (?:استطلاع|الاستطلاع)|"
    r"تحليق|\bkeşif\b",
    _I,
)
#: A strike named as already told ("circled the area after the strike"): not a new one.
_BACK_REFERENCE = re.compile(
    r"\b(?:after|following|since|before) the (?:air\s?)?(?:strikes?|attacks?|shelling|raids?|"
    r"bombardment|bombing)\b",
    _I,
)
_STRIKE = leading(
    r"\b(?:struck|strikes?|raids?|bomb\w*|fired|targeted|targeting|shelled|hit|killing|killed|"
    r"injur\w*|wound\w*|dropped|launched|execut\w*|carr(?:y|ying|ied) out|conduct\w*)\b|"
    r"غار|قصف|استهدف|saldır",
    _I,
)
_ATTACK = leading(_W + r"attack(?:s|ed|ing)?\b|هجوم", _I)
_ALSO = leading(
    r"\b(?:also|again|too|as well|another|second|further|more)\b|أيضا|كذلك|\bayrıca\b|\bde\b",
    _I,
)
_ALSO_TRIGGERS = ("also", "again", "too", "as well", "another", "second", "further", "more",
                  "أيضا", "كذلك", "ayrica", "de")  # fmt: skip
# Words that make the types of a sentence one event: a drone's missile, jets' rockets.
#: A drone carrying its explosive ("a booby-trapped drone", "an explosive-laden drone"):
#: the explosive words describe the drone, not a separate device.
_LADEN_DRONE = leading(
    r"\b(?:booby[- ]trapped|explosive[- ]laden|explosives?[- ]packed|suicide|kamikaze|"
    r"rigged)\s+(?:\w+\s+)?drones?\b|\bdrones?\s+(?:laden|loaded|packed|rigged)\s+with\s+"
    r"explosives?\b|\bمسيرة\s+(?:مفخخة|انتحارية)|\bطائرة\s+مسيرة\s+مفخخة",
    _I,
)
_ABSORBS = {
    DRONE: (MISSILE, SHELLING, AIR),
    AIR: (MISSILE, SHELLING),
    IED: (CLASH,),
    MISSILE: (SHELLING,),
}
#: Absorbed only when all the absorbed type's wording is a munition ("jets fired rockets"),
#: not a weapon of its own ("artillery and warplanes").
_ONLY_MUNITIONS = frozenset((SHELLING,))

#: "Russian-made shells", "Turkish-backed factions": a maker or a backer, not the actor.
_NOT_MAKER = r"(?!-(?:made|built|supplied|manufactured|backed|supported|sponsored|brokered)\b)"
#: ACLED's actor names for the groups reports name, with the wording that names them.
ACTORS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("HTS: Hayat Tahrir al-Sham", leading(
        r"\b(?:HTS|Hay(?:'|’)?at Tahrir al[- ]Sham|Tahrir al[- ]Sham|HTŞ|Heyet Tahrir\w*|"
        r"(?:jabhat )?al-nusra(?: front)?|nusra front)\b|جبهة النصرة|"
        r"هيئة تحرير الشام", _I)),
    ("Military Forces of Syria (2000-)", leading(
        r"\b(?:(?:pro-)?regime|(?:pro-)?government|(?:syrian|assad)(?:'s)? (?:army|"
        r"forces|troops|artillery|warplanes|jets|air force|gunners)|syrian arab army|saa|"
        r"assad(?:'s)? (?:militias?|militiamen|regime)|bashar (?:al-)?assad(?:'s)? regime|"
        r"assad forces|fourth division|tiger forces|25th division)\b|قوات النظام|قوات الأسد|"
        r"(?<![\u0621-\u064A])[وبلف]?النظام(?![\u0621-\u064A])|"
        r"جيش النظام|النظام السوري|قوات الحكومة|مدفعية النظام|طيران النظام|"
        r"\b(?:rejim\w*|esed\w*|esad\w*|baas\w*|suriye ordusu\w*)", _I)),
    ("Military Forces of Russia (2000-)", leading(
        r"\b(?:russian|russia(?:'s)?|moscow's)\b" + _NOT_MAKER +
        r"|الروسي|الروسية|روسي|روسية|روسيا|"
        r"\b(?:rus|rusya\w*)\b", _I)),
    ("Military Forces of Turkey (2016-)", leading(
        r"\b(?:turkish|turkey(?:'s)?|ankara's)\b" + _NOT_MAKER +
        r"|التركي|التركية|تركي|تركية|تركيا|"
        r"\b(?:TSK|Türk (?:Silahlı|topçu|ordusu|askeri)\w*)", _I)),
    ("NLF: National Liberation Front", leading(
        r"\b(?:national (?:front for liberation|liberation front)|nlf)\b|الجبهة الوطنية للتحرير",
        _I)),
    ("Unidentified Armed Group (Syria)", leading(
        r"\b(?:unknown|unidentified) (?:gunmen|assailants|attackers|persons|armed men|group)\b|"
        r"\bgunmen\b|مجهول|kimliği (?:belirsiz|bilinmeyen)", _I)),
)  # fmt: skip
#: The words one of which each actor's wording contains (see :data:`_TYPE_TRIGGERS`).
_ACTOR_TRIGGERS: dict[str, tuple[str, ...]] = {
    "HTS: Hayat Tahrir al-Sham": ("hts", "tahrir", "htş", "nusra", "النصرة", "هيئة تحرير"),
    "Military Forces of Syria (2000-)": (
        "regime", "government", "syrian", "assad", "saa", "fourth division", "tiger forces",
        "25th division", "النظام", "الأسد", "الحكومة", "rejim", "esed", "esad", "baas",
        "suriye ordusu"),
    "Military Forces of Russia (2000-)": ("rus", "moscow", "روس"),
    "Military Forces of Turkey (2016-)": ("turk", "ankara", "ترك", "tsk", "türk"),
    "NLF: National Liberation Front": ("national", "nlf", "الجبهة الوطنية"),
    "Unidentified Armed Group (Syria)": ("unknown", "unidentified", "gunmen", "مجهول",
                                         "kimliği"),
}  # fmt: skip

#: The scripts a folded text holds, as bits (see :func:`text_scripts`).
_LATIN, _ARABIC, _OTHER = 1, 2, 4
_HAS_LATIN = re.compile("[a-z]")
_HAS_ARABIC = re.compile("[\u0600-\u06ff]")
_HAS_OTHER = re.compile("[^\x00-\x7f\u0600-\u06ff]")


def text_scripts(folded: str) -> int:
    """Return the scripts ``folded`` holds: ASCII letters, Arabic, other non-ASCII (ü, ş …).

    A trigger is in a text only if the text holds every script the trigger holds, so the
    triggers of a script a sentence lacks (the Arabic ones in English) need not be sought:
    skipping them changes no test's result, and most sentences are of one script.
    """
    bits = _LATIN if _HAS_LATIN.search(folded) else 0
    if folded.isascii():
        return bits
    if _HAS_ARABIC.search(folded):
        bits |= _ARABIC
    return bits | _OTHER if _HAS_OTHER.search(folded) else bits


def by_scripts(triggers: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    """Return, for each value of :func:`text_scripts`, the ``triggers`` a text of it can hold."""
    return tuple(tuple(t for t in triggers if text_scripts(t) & ~bits == 0) for bits in range(8))


_TYPE_SCRIPTS = {kind: by_scripts(triggers) for kind, triggers in _TYPE_TRIGGERS.items()}
_ACTOR_SCRIPTS = {name: by_scripts(triggers) for name, triggers in _ACTOR_TRIGGERS.items()}
_GENERIC_SCRIPTS = by_scripts(_GENERIC_TRIGGERS)
_ALSO_SCRIPTS = by_scripts(_ALSO_TRIGGERS)
_TARGET_BEFORE = leading(
    r"(?:\b(?:on|against|targeting|targeted|at|hitting|hit|struck|killing|wounding|injuring|"
    r"shelled|shelling|bombed|bombarded|pounded|attacked|attacking|"
    r"near|toward|towards|with|beside|alongside|damaging|destroying|carrying|"
    # "of" names a target ("positions of the regime"), not after a count of strikes ("a new
    # round of Russian air strikes") or an attack ("the bombardment of the regime forces")
    r"(?<!round )(?<!wave )(?<!series )(?<!number )(?<!spate )(?<!barrage )(?<!fire )"
    r"(?<!bombardment )(?<!shelling )(?<!strikes )(?<!raids )(?<!attacks )(?<!escalation )of|"
    r"accompanying|(?:responded|reacted|retaliated|response) to|"
    r"(?:held|controlled|manned|occupied) by|(?:affiliated|belonging|belongs) to)\s+"
    r"(?:an?\s+|the\s+|two\s+|three\s+|several\s+)?"
    r"(?:[\w-]+[\s–—-]+){0,2})$|على\s+$",
    _I,
)
_TARGET_AFTER = re.compile(
    r"^[\w\s–—-]{0,40}?\b(?:(?:was|were|had been|have been|has been)\s+(?:\w+\s+)?"
    r"(?:killed|wounded|injured|hit|targeted|attacked|hurt|struck|damaged|destroyed)|"
    r"died\b)|^\S*\s+(?:\S+\s+){0,2}?(?:nokta|üs|konvoy|araç|asker|devriye)\w*(?:na|ne|ya|ye)\b",
    _I,
)
_TARGET_NOUN = re.compile(
    r"^(?:['’]s)?[\s–—-]+(?:[\w-]+\s+){0,2}?(?:patrols?|convoys?|posts?|positions?|points?|"
    r"vehicles?|checkpoints?|bases?|outposts?|soldiers?|troops|servicem[ae]n|officers?|"
    r"personnel)\b",
    _I,
)
_PERPETRATOR_BEFORE = leading(
    # "positions held by regime forces" name the target's holder, not the attacker
    r"\b(?<!held )(?<!controlled )(?<!manned )(?<!occupied )"
    r"(?:by|blamed|accused|(?:came|fired|launched|originated) from|attributed (?:it )?to)\s+"
    r"(?:the\s+|an?\s+)?(?:(?![\w-]*ing\s)[\w-]+\s+){0,2}$|من قبل\s+$|(?:حمّل|حمل|اتهم)\S*\s+$",
    _I,
)
_PERPETRATOR_AFTER = re.compile(
    r"^(?:['’]s)?\s*(?:[\w-]+\s+){0,3}?(?:artillery|jets?|warplanes?|aircraft|drones?|"
    r"helicopters?|gunners|missiles?|rockets?|shells?|shelling|air ?strikes?|forces? "
    r"(?:shelled|struck|attacked|fired|targeted|bombed|bombarded|launched|hit)|(?:shelled|"
    r"struck|attacked|fired|targeted|bombed|bombarded|launched|hit|pounded|clashed|raided|"
    r"stormed|responded|reacted|retaliated|renewed|executed|carried out))\b",
    _I,
)


_SYRIA = "Military Forces of Syria (2000-)"
_RUSSIA = "Military Forces of Russia (2000-)"
_RUSSIAN_AIRCRAFT = re.compile(
    r"\bRussian\s+(?:\w+\s+)?(?:jets?|warplanes?|aircraft|air ?strikes?|raids?)|"
    r"(?:الطائرات الحربية|الطيران الحربي|طائرات حربية|الطيران)\s+الروسي|\bRus savaş uçak",
    _I,
)


@dataclass(frozen=True, slots=True)
class Wording:
    """The event wording of one sentence.

    ``kinds`` are the specific types in reading order (one event per kind); ``generic`` is
    True when the sentence only says attack/hit/struck; ``also`` when it says "also",
    "again" … (a further strike, not a restatement); ``actor1`` the perpetrator named, and
    ``targets`` the actors named as hit; ``actors`` the perpetrator of each kind when a
    sentence names several ("regime artillery and Russian warplanes"); ``sure`` whether the
    wording makes some actor a perpetrator ("by", "blamed", "regime artillery").
    """

    kinds: tuple[EventKind, ...]
    generic: bool
    attack: bool
    also: bool
    actor1: str
    targets: tuple[str, ...]
    actors: dict[EventKind, str] = field(default_factory=dict)
    sure: bool = False
    #: (position, name) of every actor the wording makes a perpetrator, in reading order.
    perpetrators: tuple[tuple[int, str], ...] = ()
    #: Every actor named and not as a target ("the shelling of the regime and Russia").
    named: tuple[str, ...] = ()

    def actor_at(self, kind: EventKind, position: int) -> str:
        """Return the perpetrator of ``kind`` at a place named at ``position``.

        In a sentence of one type naming two perpetrators ("regime forces shelled A, before
        Turkish forces responded by shelling B") each place takes the last one named before
        it; otherwise the type's actor.
        """
        names = {name for _, name in self.perpetrators}
        if len(self.kinds) == 1 and len(names) > 1:
            before = [name for start, name in self.perpetrators if start < position]
            if before:
                return before[-1]
        return self.actors.get(kind, self.actor1)


def read_wording(sentence: str) -> Wording:
    """Return the event types and actors a sentence names.

    Examples
    --------
    >>> w = read_wording("Regime artillery shelled Kansafra, wounding three Turkish soldiers.")
    >>> [k.sub_event_type for k in w.kinds], w.actor1, w.targets
    (['Shelling/artillery/missile attack'], 'Military Forces of Syria (2000-)', \
('Military Forces of Turkey (2016-)',))
    >>> read_wording("A drone fired a missile at a car near Sarmin.").kinds[0].tag
    'drone'
    """
    sentence = _blank_told(strip_marks(sentence))
    folded = fold(sentence)
    scripts = text_scripts(folded)
    found: dict[EventKind, int] = {}
    for kind, pattern in _TYPE_WORDS:
        if not holds(folded, _TYPE_SCRIPTS[kind][scripts]):
            continue
        m = pattern.search(sentence)
        if m:
            found[kind] = m.start()
    kinds = sorted(found, key=found.__getitem__)
    if (
        (AIR in found or DRONE in found)
        and _RECONNAISSANCE.search(sentence)
        and not _STRIKE.search(_BACK_REFERENCE.sub("", sentence))
    ):
        kinds = [k for k in kinds if k not in {AIR, DRONE}]  # aircraft seen, nothing struck
    kinds = [k for k in kinds if not any(_absorbs(o, k, sentence, found) for o in kinds if o != k)]
    if DRONE in kinds and IED in kinds and _LADEN_DRONE.search(sentence):
        kinds.remove(IED)  # the explosive is the drone's own: one drone strike
    actors = _actors(sentence, folded, scripts)
    perpetrators = sorted((start, name) for score, start, name in actors if score >= 0)
    targets = tuple(dict.fromkeys(name for score, _, name in actors if score < 0))
    actor1 = (
        max((score, -start, name) for score, start, name in actors if score >= 0)[2]
        if (perpetrators)
        else ""
    )
    by_kind = {}
    for kind in kinds:
        before = [name for start, name in perpetrators if start < found[kind]]
        by_kind[kind] = before[-1] if before and len(kinds) > 1 else actor1
    named = {name for _, name in perpetrators}
    if kinds == [SHELLING] and {_SYRIA, _RUSSIA} <= named:
        actor1 = by_kind[SHELLING] = _SYRIA  # artillery and rockets are the regime's
    if kinds == [AIR] and {_SYRIA, _RUSSIA} <= named and _RUSSIAN_AIRCRAFT.search(sentence):
        actor1 = by_kind[AIR] = _RUSSIA  # "Russian warplanes and regime artillery"
    sure = any(score > 0 for score, _, _ in actors)
    generic = holds(folded, _GENERIC_SCRIPTS[scripts]) and bool(_GENERIC.search(sentence))
    return Wording(
        kinds=tuple(kinds),
        generic=generic,
        attack=generic and _ATTACK.search(sentence) is not None,  # attack is a generic word
        also=holds(folded, _ALSO_SCRIPTS[scripts]) and bool(_ALSO.search(sentence)),
        actor1=actor1,
        targets=tuple(t for t in targets if t != actor1),
        actors=by_kind,
        sure=sure,
        perpetrators=tuple(sorted((start, name) for score, start, name in actors if score > 0)),
        named=tuple(dict.fromkeys(name for _, name in perpetrators)),
    )


#: An event already told, named as the subject of "coincided with" or "came after": "The
#: Russian raids coincided with artillery shelling on …" tells of the shelling only.
_TOLD_SUBJECT = re.compile(
    r"\b(?:the|this|these|that)\s+(?:[\w'’-]+\s+){0,3}?(?:raids?|strikes?|air ?strikes?|"
    r"bombardment|shelling|attacks?|bombing)\s+(?:\w+\s+)?(?:coincid(?:ed|es|ing) with|"
    r"(?:came|comes|come)\s+(?:\w+\s+){0,3}?(?:after|before|amid)\b"
    r"(?!\s+(?:midnight|dawn|noon|sunset|sunrise|\d)))|"  # "came after midnight": a time
    r"(?:^|\s)(?:ال\S+\s+){1,3}(?:جاء|تزامن|ترافق|يأتي)\s+(?:بعد|مع)(?=\s)",
    _I,
)


def _blank_told(sentence: str) -> str:
    """Return ``sentence`` with a told event's subject blanked (see :data:`_TOLD_SUBJECT`)."""
    if (
        "coinci" not in sentence
        and "com" not in sentence
        and "came" not in sentence
        and ("بعد" not in sentence and "مع" not in sentence)
    ):
        return sentence
    return _TOLD_SUBJECT.sub(lambda m: " " * len(m.group()), sentence)


#: The longest stretch a pattern anchored at a text's end ($) reads back, in characters.
TAIL_CHARS = 160


def tail(text: str) -> str:
    """Return the end of ``text`` a $-anchored pattern needs: the last words, :data:`TAIL_CHARS`.

    A search for such a pattern tries every start position: on the whole of a long
    sentence's beginning it is the costly part of reading it.

    Examples
    --------
    >>> tail("killed by regime forces")
    'killed by regime forces'
    >>> len(tail("word " * 100)) <= TAIL_CHARS
    True
    """
    if len(text) <= TAIL_CHARS:
        return text
    cut = text[-TAIL_CHARS:]
    space = cut.find(" ")
    return cut[space:] if space >= 0 else cut


#: More characters than the longest word of an ``END_WORDS`` list has.
END_WORD_CHARS = 12


def ends(
    pattern: re.Pattern[str], text: str, letters: int, words: tuple[str, ...] = ()
) -> re.Match[str] | None:
    r"""Return ``pattern.search(text)`` for a pattern anchored at the end ($) of ``text``.

    ``letters`` is the most characters other than white space a match of ``pattern`` can
    hold. A search tries every start position, and no match can start before the end of
    ``text`` that holds more letters: the search starts there and finds the same match
    (``\b``, ``^`` and look-behinds still see the whole text). Each module lists its
    patterns' bounds in ``END_LETTERS``; ``tests/test_ingest.py`` checks them. Given
    ``words``, those (folded by :func:`fold`) a match can end with before its closing
    white space (``END_WORDS``), a text whose last word ends with none is not searched.

    Examples
    --------
    >>> pattern = re.compile(r"\bof\s+(?:the\s+)?$")
    >>> ends(pattern, "shells hit " * 20 + "the outskirts of the ", 5)
    <re.Match object; span=(234, 241), match='of the '>
    >>> ends(pattern, "the outskirts of Ariha and ", 5) is None
    True
    >>> ends(pattern, "the outskirts of Ariha and ", 5, ("of", "the")) is None  # not searched
    True
    """
    if words and not fold(_last_chars(text)).endswith(words):
        return None
    start = len(text) - 2 * letters
    if start > 0 and len("".join(text[start:].split())) <= letters:
        start = 0  # mostly white space: search it all
    return pattern.search(text, max(start, 0))


def _last_chars(text: str) -> str:
    """Return ``text.rstrip()[-END_WORD_CHARS:]`` without copying all of a long text."""
    window = text[-4 * END_WORD_CHARS :]
    kept = window.rstrip()
    if len(kept) < END_WORD_CHARS and len(window) < len(text):
        kept = text.rstrip()  # white space fills the window: look further back
    return kept[-END_WORD_CHARS:]


_ARABIC_MARKS = re.compile("[\u064b-\u0652\u0670\u0640]")


def strip_marks(text: str) -> str:
    """Return ``text`` without Arabic vowel marks, shadda and tatweel (مسيّرة = مسيرة)."""
    return text if text.isascii() else _ARABIC_MARKS.sub("", text)


def _absorbs(other: EventKind, kind: EventKind, sentence: str, found: dict[EventKind, int]) -> bool:
    """Return True if ``other`` (a drone, jets) covers ``kind`` in this sentence.

    Shelling is covered only when its every word is a munition named after the aircraft
    ("jets fired rockets"); "rockets and air strikes" are two attacks.
    """
    if kind not in _ABSORBS.get(other, ()):
        return False
    if kind not in _ONLY_MUNITIONS:
        return True
    pattern = _TYPE_PATTERN[kind]
    return all(
        (_MUNITIONS.fullmatch(m.group()) and m.start() > found[other])
        or m.group() == "قصف"  # Arabic "bombarded", said of aircraft too ("قصفت الطائرات")
        for m in pattern.finditer(sentence)
    )


def _actors(sentence: str, folded: str, scripts: int) -> list[tuple[float, int, str]]:
    """Return (score, start, name) per actor named: negative scores are targets.

    ``folded`` is ``sentence`` folded (:func:`fold`), ``scripts`` its :func:`text_scripts`.
    """
    out = []
    for name, pattern in ACTORS:
        if not holds(folded, _ACTOR_SCRIPTS[name][scripts]):
            continue
        for m in pattern.finditer(sentence):
            before, after = tail(sentence[: m.start()]), sentence[m.end() :]
            score = 0.0
            if _TARGET_AFTER.search(after):
                score = -2.0  # "three Russian soldiers were wounded", passive: a target
            else:
                by = _PERPETRATOR_BEFORE.search(before) is not None
                score += 2 * by
                acts = _PERPETRATOR_AFTER.search(after)
                score += 2 if acts else -2 * bool(_TARGET_NOUN.search(after))
                if not by and _TARGET_BEFORE.search(before):
                    score -= 3
            out.append((score, m.start(), name))
    return out
