"""The words that tell a speaker's name from what stands around it (search.stories.speakers):
offices, ranks and organisations before a name, sentence openers, pronouns, unnamed sources,
institutions, nouns for a person and the nicknames of public figures. Lowercase; written for
this project from Indonesian news usage."""
from __future__ import annotations

#: Offices, ranks, honorifics, organisations and place words that precede names (lowercase).
TITLES = frozenset("""
presiden wakil wapres menteri menko mendagri menlu menkeu menkes menag mendikbud menpar menhan
mensesneg mensos menpora menkominfo menhub menristekdikti menpan kemenpan ketua ketum waketum
kepala kabid kabag kasubdit kasubbag kasat kasatreskrim kanit kapolri kapolda kapolres kapolsek
kapolresta kapolrestro kabareskrim wakapolri kadiv direktur dirut direksi dirjen deputi asisten
sekretaris sekjen sesjen jenderal juru bicara jubir gubernur wagub bupati wabup wali walikota
camat lurah anggota pengamat peneliti pakar ahli dosen guru profesor prof dr drs ir sh mm msi
hakim jaksa majelis komisaris kombes kompol akbp akp iptu ipda aiptu aipda bripka brigadir pol
brigjen irjen komjen mayjen letjen laksamana laksma marsekal marsma kolonel letkol mayor kapten
letnan lettu letda sertu serda serka sersan kopral pelaut komandan danramil dandim danrem
pangdam pangkostrad panglima kasad kasal kasau kapuspen kapendam kabidhumas humas pelatih
manajer striker pemain kiper gelandang bek penyerang pebalap petinju pebulutangkis atlet ceo cfo
cto coo cio founder pendiri chairman presdir komut komisioner koordinator staf khusus bendahara
ustaz ustadz habib kiai kyai raden tuan nyonya syekh sheikh imam pastor pendeta romo gus pak bu
bapak ibu mbak mas kang bang sdr saudara haji hj kh dubes duta besar konsul atase pejabat pihak
perdana raja ratu pangeran putra mahkota sultan paus uskup senator legislator drummer vokalis
gitaris frontman aktor aktris penyanyi sutradara produser penulis wartawan politikus polri polda
polres polsek polresta polrestro mabes bareskrim densus kodam korem kodim brimob kemenlu
kemenkeu kemendagri kemenag kemenkes kemenpar kemendikbud kemenhub kemensos kemenkumham pemprov
pemkot pemkab pengadilan mahkamah konstitusi komisi dewan kejaksaan kejagung kejari kejati
satpol dinas biro pansus panja rutan inspektur lapas kalapas karutan direktorat ditjen
universitas institut fakultas kementerian badan lembaga partai fraksi golkar gerindra hanura
nasdem demokrat pdip pdi perjuangan pkb pks pan ppp perindo psi berkarya dpr dprd dpd mpr kpk
kpu bawaslu bpk bpn bnn bnpb bmkg ojk bi tni republik kerajaan federasi persatuan kesatuan kota
kabupaten provinsi utara selatan timur barat tengah raya jaya metro pusat daerah negeri kremlin
pentagon istana media publikasi harian kantor berita menkopolhukam informatika officer utama
""".split()) | frozenset("""
indonesia malaysia singapura thailand filipina vietnam kamboja laos myanmar brunei timor china
tiongkok jepang korea rusia amerika as inggris prancis perancis jerman italia spanyol portugal
belanda belgia swiss austria swedia norwegia denmark finlandia polandia yunani turki ukraina
australia selandia india pakistan bangladesh afganistan iran irak suriah yordania lebanon
arab saudi qatar kuwait uea yaman mesir libya sudan israel palestina kanada meksiko brasil
argentina kolombia chili peru venezuela kuba afrika nigeria kenya taiwan hongkong eropa asia
jakarta surabaya bandung medan semarang makassar yogyakarta denpasar palembang batam bekasi
depok tangerang bogor malang solo riyadh jeddah moskow beijing washington london paris tokyo
seoul pyongyang canberra
""".split())

#: Offices of a person: "Panglima TNI" then stands for the person named with it.
OFFICES = frozenset("""presiden wakil wapres menteri menko ketua ketum kepala kabid kabag kapolri
kapolda kapolres kapolsek kanit kasat direktur dirut dirjen sekretaris sekjen juru jubir
gubernur bupati wali walikota panglima komandan pelatih manajer kapten ceo dubes duta perdana
raja ratu pangeran sultan paus""".split())
#: Office words that are also given names ("Lukman Hakim Saifuddin", "Raja Juli Antoni").
NAME_TITLES = frozenset("hakim raja putra putri ratu sultan mas bagus agung jaya".split())
#: Heads of an organisation's name: a phrase starting with one names the organisation.
ORG_HEADS = frozenset("""badan pusat lembaga komisi kementerian dinas biro direktorat pengadilan
mahkamah dewan kantor perusahaan pt bank universitas otoritas pansus panitia tim kepolisian
kejaksaan markas""".split())
#: Words after which a capitalised word is a place or an organisation, not part of a name.
PLACE_CONTEXT = frozenset("""di asal menuju klub tim kota negara provinsi kabupaten
stadion markas polda polres polsek polresta polrestro kodam
korem kodim pemprov pemkot pemkab kpu kpud dprd""".split())

#: Sentence openers and other capitalised words that are never part of a name.
FUNCTION = frozenset("""
menurut sementara namun selain sebelumnya kemudian bahkan adapun saat ketika dalam sedangkan
terkait usai seusai setelah sebelum meski walau jika karena sebab oleh hingga sejak lebih tak
tidak para sang seorang kata ujar hal berikut selama kini tapi tetapi dan atau kamis jumat sabtu minggu senin
selasa rabu
mengutip dikutip seperti dilansir berdasarkan baca fakta data
""".split())
#: Words for a person other than a name: whoever came last is meant.
PRONOUNS = frozenset("dia ia beliau nya".split())
#: Noun phrases that name nobody in particular: the speaker stays unknown.
UNNAMED = frozenset("seorang sumber sejumlah beberapa para warga netizen banyak".split())
#: Institutions that speak without a name ("Pemerintah menyatakan …").
INSTITUTIONS = frozenset("""pemerintah polisi kepolisian pengadilan manajemen
otoritas kementerian keluarga istana kejaksaan pihak berwenang militer""".split())
#: Nouns for a person: a lowercase phrase headed by one is an epithet ("pria Kosta Rika").
PERSON_NOUNS = frozenset("""pria wanita perempuan lelaki remaja bocah anak istri suami putra putri
mantan sosok kakek nenek gadis pemuda""".split())
#: Nicknames and the full names they stand for; used only when the article gives that name.
ALIASES = {
    "jokowi": "joko widodo", "jk": "jusuf kalla", "sby": "susilo bambang yudhoyono",
    "ahok": "basuki tjahaja purnama", "setnov": "setya novanto", "djanur": "djadjang nurdjaman",
    "megawati": "megawati soekarnoputri", "putin": "vladimir putin",
}
