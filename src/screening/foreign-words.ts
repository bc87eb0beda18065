// Function words of other Latin-script languages that are not English words. The
// English gate counts them as evidence against English, which matters most for the
// languages that the n-gram detector (eld) has no model for: Irish, Latin, Welsh, Maori
// and the Bantu languages, which it otherwise reads as "closest to English".
export const FOREIGN_WORDS = new Set(`
agus na ar le sa ag ní sé bhí ó atá seo sin níl ach chun faoi mbeidh bhfuil gur nach dtí
et est cum qui quae quod sunt ut sed ab eius atque enim ac hoc esse erat etiam inter quam sic nec
yr yn mae roedd bod hefyd fel ond neu cael hyn gyda wedi oedd ei ym dros ond iddo fod
kwa ni wa za la katika na kuwa cha vya pia hii hiyo huo kama lakini sana
ngā te ka ko kei ki nō mā hei tēnei kua nei rā ana atu
ang mga ng ay ni nang kay mula hindi rin din ito iyon
yang di dengan untuk dari ini itu dalam tidak akan pada juga oleh ada
und der die das ist nicht ein eine ich sie mit auf dem den zu sich auch wie noch nach wird bei aus
le la les des est et une dans pour pas qui sur avec sont ce cette mais ont été aux du
los las que por con una del lo como pero más sus fue muy hay está
il che di della sono gli nel alla anche questo essere dei delle
het een van niet zijn ook maar wordt nog deze bij wel dat ik je
och att det som för av inte har jag med ett den kan om
og af ikke jeg til fra blev være efter
não uma são mais pelo pela como seu sua ao das dos também foi
și în cu pe nu sunt mai fost din pentru acest
je na ali kao da su od za koji ili biti
jest nie się że jak tak ale przez jego był
oli ja ei ole että mutta kun myös
és az hogy nem egy meg volt van csak
bir bu da için ile olarak çok daha gibi
ke le ba ho ka mo sa tse le ke di ne le
uku ukuba kwaye kunye ngoku ngenxa nge ku abantu uma futhi kodwa ngoba kanye
iyo kuti uye asi zvino ari kana uye kwa
kye mu ku nga bwe oba kyo
kuva ku ni swa leswi ka eka
waa iyo ee ka oo ay ku uu
ni ti naa lati ninu pe
kaj la estas de en ne ke por kun pri
`.split(/\s+/).filter(Boolean))
