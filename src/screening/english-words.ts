// Words that are frequent in English and rare as words of other languages that use the
// Latin script. A sentence's share of them is strong, cheap evidence that it is English:
// English prose runs at 35-50% of these, other Latin-script languages near 0%.
// Deliberately left out: words that are also common elsewhere ("in", "is", "was", "we",
// "die", "an", "so", "me", "he", "no", "for", "over", "her", "man", "will", "had", "hat").
export const ENGLISH_WORDS = new Set(`
the and of that this with have has are were been being from they them their theirs there
would which should could about because just people who whom whose than then these those
when where why how what your you yours yourself my mine our ours his she him it its it's
be by or if all any some more most other such only also very can do does did done don't
doesn't didn't isn't aren't wasn't weren't won't wouldn't can't couldn't shouldn't i'm
i've i'd i'll you're you've they're we're there's that's what's let's out up yes get got
like know think see make said one two well even much many here now after before into
again still never always really something nothing anything everything thing things want
need good new time year years way back first last going other while though although
however without within between through against during agree right wrong article comment
please thanks thank sure maybe might must shall shouldn't whether each every both same
own off down which them us our we've we'll we'd he's she's isn't who's think looks seems
because being doing having getting making taking saying going coming looking
`.split(/\s+/).filter(Boolean))
