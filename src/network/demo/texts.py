"""Word lists for the synthetic network: names, titles and de-identified case summaries.

The summaries are deliberately bland: an age group, a concern typical of the area
and a question to the specialist. They contain no digits, names, places, phone
numbers or e-mail addresses, so they pass the de-identification guard.
"""

from __future__ import annotations

__all__ = (
    "AGE_GROUPS",
    "CLOSINGS",
    "CONCERNS",
    "CONFERENCE_ANSWER",
    "CONFERENCE_CASE",
    "FIRST_NAMES",
    "GENERIC_CONCERNS",
    "GENERIC_QUESTIONS",
    "LADDER",
    "PEER_POSTS",
    "QUESTIONS",
    "SURNAMES",
    "UNITS",
)

FIRST_NAMES = (
    "Anna", "Maria", "Karin", "Sara", "Emma", "Elin", "Johanna", "Linnea", "Hanna", "Ida",
    "Malin", "Sofia", "Amanda", "Frida", "Jenny", "Lina", "Camilla", "Therese", "Helena",
    "Cecilia", "Eva", "Kristina", "Lena", "Ulrika", "Petra", "Jessica", "Louise", "Matilda",
    "Fatima", "Amira", "Leyla", "Nadia", "Yasmin", "Hodan", "Samira", "Mirela", "Aida",
    "Agnieszka", "Aino", "Saara", "Erik", "Lars", "Anders", "Johan", "Per", "Mikael",
    "Fredrik", "Daniel", "Andreas", "Jonas", "Magnus", "Henrik", "Oskar", "David", "Tobias",
    "Martin", "Niklas", "Mattias", "Ahmed", "Ali", "Omar", "Hassan", "Mehmet", "Dragan",
    "Amir", "Reza", "Tomasz", "Juha", "Kalle", "Viktor",
)  # fmt: skip

SURNAMES = (
    "Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson",
    "Persson", "Svensson", "Gustafsson", "Pettersson", "Jonsson", "Jansson", "Hansson",
    "Bengtsson", "Lindberg", "Lindström", "Lindqvist", "Lindgren", "Berg", "Bergström",
    "Axelsson", "Lundberg", "Lundgren", "Jakobsson", "Sandberg", "Forsberg", "Sjöberg",
    "Wallin", "Engström", "Danielsson", "Håkansson", "Lund", "Björk", "Holm", "Sundberg",
    "Öberg", "Ali", "Mohammed", "Hassan", "Yilmaz", "Nieminen", "Korhonen", "Kowalski",
    "Hodžić", "Haddad", "Ahmadi", "Abdi", "Tesfaye", "Nordin", "Ström", "Falk", "Ek",
)  # fmt: skip

UNITS = (
    "Barn och unga, utredning",
    "Barn och unga, mottagning",
    "Barn och unga, placering",
    "Familjehemsenheten",
    "Ungdomsenheten",
    "Enheten för våld i nära relationer",
)

LADDER = (
    "Medhandläggare",
    "Handläggare med stöd",
    "Självständig handläggning med handledning",
    "Självständig handläggning",
)
"""The default four-step competence ladder (kompetenstrappa) of a mentoring programme."""

AGE_GROUPS = (
    "ett spädbarn",
    "ett barn i förskoleåldern",
    "ett barn i lågstadieåldern",
    "ett barn i mellanstadieåldern",
    "en tonåring",
    "en ungdom i högstadieåldern",
    "en ung person nära myndighetsåldern",
    "två syskon i skolåldern",
)

CONCERNS: dict[str, tuple[str, ...]] = {
    "child_protection_assessment": (
        "Orosanmälan från skolan om blåmärken och att barnet inte vill gå hem.",
        "Flera orosanmälningar under kort tid om bristande tillsyn i hemmet.",
        "Anmälan från förskolan om att barnet uppger att en vuxen slår.",
    ),
    "bbic_investigation": (
        "Pågående utredning där vårdnadshavarna ger motstridiga uppgifter.",
        "Utredningen har dragit ut på tiden och nätverket är svårt att nå.",
        "Barnets behov är oklara och flera verksamheter har olika bilder.",
    ),
    "lvu_investigation": (
        "Vårdnadshavarna har dragit tillbaka sitt samtycke till placering.",
        "Den unga har ett eskalerande normbrytande beteende och tackar nej till insatser.",
        "Det finns risk för att samtycket till frivillig vård inte håller.",
    ),
    "honour_based_violence": (
        "Den unga berättar om kontroll av umgänge, kläder och telefon från flera släktingar.",
        "Skolan har uppmärksammat att den unga inte får delta i vissa aktiviteter.",
        "Den unga uttrycker rädsla för vad som händer om familjen får veta om en relation.",
    ),
    "child_forced_marriage": (
        "Den unga oroar sig för en resa till släkt utomlands under sommarlovet.",
        "Det finns uppgifter om att en förlovning planeras mot den ungas vilja.",
    ),
    "fgm": (
        "Elevhälsan misstänker att ett ingrepp kan planeras under en utlandsresa.",
        "En flicka har berättat om smärta och ovilja att delta i idrott.",
    ),
    "domestic_violence": (
        "Barnet har bevittnat våld mellan vårdnadshavarna vid upprepade tillfällen.",
        "Polisen har gjort en anmälan efter ett larm om bråk i hemmet.",
        "En förälder söker skydd och barnen påverkas av situationen.",
    ),
    "child_sexual_abuse": (
        "Barnet har berättat något för en pedagog som väcker misstanke om övergrepp.",
        "Det finns uppgifter om olämplig kontakt med en vuxen via nätet.",
    ),
    "trafficking_exploitation": (
        "Den unga har pengar och saker som inte kan förklaras och försvinner ibland.",
        "Det finns misstanke om att den unga utnyttjas för arbete eller sex.",
    ),
    "violent_extremism": (
        "Skolan har sett att den unga sprider våldsbejakande material.",
        "Familjen är orolig för att den unga har fått nya kontakter i extrema miljöer.",
    ),
    "young_offenders": (
        "Den unga är misstänkt för upprepade stölder och skadegörelse.",
        "Ungdomstjänst är aktuellt och vi behöver planera verkställigheten.",
    ),
    "criminal_networks": (
        "Den unga rekryteras sannolikt av ett kriminellt nätverk och har hotats.",
        "Det finns uppgifter om att den unga förvarar saker åt äldre kamrater.",
    ),
    "unaccompanied_minors": (
        "Ett ensamkommande barn har svårt att sova och har slutat gå till skolan.",
        "Åldersfrågan och boendet behöver utredas samtidigt.",
    ),
    "placement_foster_care": (
        "Familjehemmet signalerar att de inte orkar och placeringen kan brytas.",
        "Umgänget med ursprungsfamiljen skapar oro före och efter varje träff.",
    ),
    "youth_substance_use": (
        "Den unga har blivit påträffad påverkad flera gånger den senaste tiden.",
        "Vårdnadshavarna misstänker att den unga använder narkotika.",
    ),
    "npf": (
        "Barnet har en misstänkt neuropsykiatrisk funktionsnedsättning och familjen är utmattad.",
        "Skolfrånvaron är stor och insatserna behöver anpassas efter barnets förutsättningar.",
    ),
    "children_as_next_of_kin": (
        "En förälder har en allvarlig psykisk sjukdom och barnet tar stort ansvar hemma.",
        "Barnet lever med en förälder med missbruk och behöver stöd.",
    ),
    "neglect_parenting_capacity": (
        "Det finns brister i omsorgen men föräldrarna tar emot stöd.",
        "Barnet är ofta hungrigt och smutsigt och hemmet är stökigt.",
    ),
    "mental_health_self_harm": (
        "Den unga skadar sig själv och har uttryckt tankar på att inte vilja leva.",
        "Elevhälsan är orolig för den ungas nedstämdhet och isolering.",
    ),
}

GENERIC_CONCERNS = (
    "Situationen är komplex och flera verksamheter är inblandade.",
    "Vi har ingen erfarenhet av den här typen av ärenden i kommunen.",
)

QUESTIONS: dict[str, tuple[str, ...]] = {
    "child_protection_assessment": (
        "Hur gör vi skyddsbedömningen och vem behöver vi prata med först?",
        "Räcker uppgifterna för att inleda utredning?",
    ),
    "bbic_investigation": (
        "Hur strukturerar vi analysen enligt BBIC?",
        "Vilka uppgifter behöver vi hämta in innan vi kan föreslå insatser?",
    ),
    "lvu_investigation": (
        "Finns grund för ansökan enligt LVU och hur formulerar vi den?",
        "Behöver vi överväga omedelbart omhändertagande?",
    ),
    "honour_based_violence": (
        "Hur gör vi en riskbedömning utan att öka risken för den unga?",
        "Ska vi kontakta vårdnadshavarna, och i så fall hur?",
    ),
    "child_forced_marriage": (
        "Vilka skyddsåtgärder kan vi vidta innan resan?",
        "Hur samverkar vi med polisen i det här läget?",
    ),
    "fgm": (
        "Hur agerar vi för att förhindra ingreppet?",
        "Vilka samtal behöver vi ha och med vem?",
    ),
    "domestic_violence": (
        "Hur bedömer vi risken för barnen och behovet av skyddat boende?",
        "Vilket stöd kan vi erbjuda barnen direkt?",
    ),
    "child_sexual_abuse": (
        "Hur planerar vi samråd och samtal utan att påverka en förundersökning?",
        "När ska polisanmälan göras?",
    ),
    "trafficking_exploitation": (
        "Vilka tecken ska vi titta efter och vem ska vi samverka med?",
        "Hur skyddar vi den unga på kort sikt?",
    ),
    "violent_extremism": (
        "Hur bedömer vi situationen och vilka aktörer bör involveras?",
        "Vilka insatser har visat sig fungera?",
    ),
    "young_offenders": (
        "Vilka insatser är lämpliga i yttrandet till åklagaren?",
        "Hur involverar vi familjen i arbetet?",
    ),
    "criminal_networks": (
        "Hur bedömer vi hotbilden och behovet av skydd?",
        "Är en placering på annan ort aktuell?",
    ),
    "unaccompanied_minors": (
        "Vilka insatser och vilket boende passar bäst?",
        "Hur samordnar vi med skolan och vården?",
    ),
    "placement_foster_care": (
        "Hur kan vi stödja familjehemmet så att placeringen håller?",
        "Hur planerar vi umgänget framåt?",
    ),
    "youth_substance_use": (
        "Vilka insatser finns för unga på frivillig väg?",
        "Hur motiverar vi den unga till behandling?",
    ),
    "npf": (
        "Hur anpassar vi samtal och insatser?",
        "Vilket stöd kan familjen få för att orka?",
    ),
    "children_as_next_of_kin": (
        "Hur ger vi barnet information och stöd utifrån ålder och mognad?",
        "Hur samverkar vi med vuxenpsykiatrin?",
    ),
    "neglect_parenting_capacity": (
        "Hur bedömer vi föräldraförmågan på ett strukturerat sätt?",
        "När är frivilliga insatser inte längre tillräckliga?",
    ),
    "mental_health_self_harm": (
        "Hur samverkar vi med barn- och ungdomspsykiatrin?",
        "Hur bedömer vi suicidrisken i vår kontakt med den unga?",
    ),
}

GENERIC_QUESTIONS = (
    "Vi önskar konsultation om nästa steg i ärendet.",
    "Vi vill gärna diskutera upplägget med en specialist.",
)

CLOSINGS = (
    "",
    "",
    "Handläggaren är ny i tjänsten.",
    "Ärendet har avidentifierats.",
    "Vi har inte haft ett liknande ärende tidigare.",
)

# The demo case conference: a de-identified case and the hub's recommendation.
CONFERENCE_CASE = (
    "Flicka i tonåren berättar för skolkuratorn att familjen planerar en resa till "
    "släktingar i sommar och att hon är rädd att inte få komma tillbaka. Hon vill inte "
    "att vårdnadshavarna får veta att hon har berättat."
)
CONFERENCE_ANSWER = (
    "Gör en strukturerad riskbedömning i dag och planera skyddet innan resan. Prata med "
    "flickan ensam, ta inte kontakt med vårdnadshavarna innan risken är bedömd, och "
    "kontakta länsstyrelsens kompetensteam om hedersrelaterat våld för stöd."
)


# A peer group's thread in the demo: (subject, body, a reply or ""), de-identified.
PEER_POSTS = (
    (
        "Hur dokumenterar ni en skyddsbedömning som ändras under utredningen?",
        "Vi har diskuterat i teamet om den första bedömningen ska stå kvar oförändrad eller "
        "skrivas om. Hur gör ni, och hur blir det begripligt för den som läser akten senare?",
        "Vi låter den första stå kvar och skriver en ny, daterad bedömning med vad som har "
        "ändrats och varför. Det har hållit vid granskning.",
    ),
    (
        "Erfarenhet: samverkan med skolan före sommarlovet",
        "Vi har börjat ha ett kort avstämningsmöte med elevhälsan i maj om de barn vi oroar oss "
        "för inför sommaren. Det har gett tidigare signaler och färre akuta ärenden i augusti.",
        "",
    ),
    (
        "Tolk vid samtal med barn: egen eller samma som föräldrarnas?",
        "Vi har fått olika råd. Vad gör ni när barnet och föräldrarna behöver tolk på samma "
        "språk och orten är liten?",
        "Vi bokar alltid en annan tolk för barnet, på distans om det behövs, och säger det "
        "till barnet i början av samtalet.",
    ),
)
