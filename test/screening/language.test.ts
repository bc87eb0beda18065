import t from 'tap'
import { detectLanguage, languageSample, modelSample, SAMPLE_PART } from '../../src/screening/language.js'

t.test('English comments are English', async (t) => {
  for (const text of [
    'I completely disagree with the mayor on this one, the bridge was never needed.',
    'Great reporting, thanks for covering the council meeting.',
    'Grows on moist soils including clay.',
    'Computer Aided Design: wire-frame, surface and solid modelling.',
    'The author clearly has not read the report; as the French say, "c\'est la vie", but facts matter.'
  ]) {
    const r = detectLanguage(text)
    t.equal(r.english, true, text)
    t.equal(r.code, 'eng')
    t.ok(r.confidence > 0.5 && r.confidence <= 1)
  }
})

t.test('other languages are caught', async (t) => {
  const cases: Array<[string, string | undefined]> = [
    ["Je ne suis pas d'accord avec cet article, les chiffres sont faux.", 'fra'],
    ['Ich bin mit diesem Artikel überhaupt nicht einverstanden, die Zahlen stimmen nicht.', 'deu'],
    ['No estoy de acuerdo con este artículo, los números están mal.', undefined],
    ['Я не согласен с этой статьей, цифры неверны.', undefined],
    ['أنا لا أتفق مع هذا المقال على الإطلاق', undefined],
    ['我完全不同意这篇文章的观点', undefined],
    ['salam chetori? khubam merci, to chi kar mikoni emruz', undefined],
    ['inshallah habibi yalla nroho lel beit ba3d shwaya', undefined],
    ['Canis est in villa et puer est in horto cum matre sua.', undefined]
  ]
  for (const [text, code] of cases) {
    const r = detectLanguage(text)
    t.equal(r.english, false, text)
    t.ok(r.confidence > 0.5, 'confident')
    t.not(r.code, 'eng')
    if (code !== undefined) t.equal(r.code, code, `named ${code}`)
  }
})

t.test('too little to tell: undetermined, never false', async (t) => {
  for (const text of ['lol ok', '😀😀😀🔥', 'Obama', '+1 !!!', '12345 678', 'ok', 'Angela Merkel', 'Да']) {
    const r = detectLanguage(text)
    t.equal(r.english, null, JSON.stringify(text))
    t.equal(r.code, 'und')
    t.equal(r.confidence, 0)
  }
})

t.test('script decides with fewer letters than Latin text needs', async (t) => {
  t.equal(detectLanguage('Привет').english, false, 'one Cyrillic word is clearly not English')
  t.equal(detectLanguage('hello').english, null, 'one Latin word is too little')
})

t.test('thresholds are options', async (t) => {
  t.equal(detectLanguage('good morning to you all', { minLetters: 100, minWords: 3 }).english, null)
  t.equal(detectLanguage('good morning to you all', { minLetters: 5, minWords: 3 }).english, true)
})

t.test('long texts: the n-gram models read a bounded sample, and the verdict holds', async (t) => {
  const german = 'Ich bin mit diesem Artikel überhaupt nicht einverstanden, die Zahlen stimmen nicht und der Autor weiß das. '.repeat(20)
  const r = detectLanguage(german)
  t.equal(r.english, false)
  t.equal(r.code, 'deu')
  const russian = 'Я не согласен с этой статьей, цифры неверны. '.repeat(60)
  t.equal(detectLanguage(russian).english, false)

  t.equal(modelSample('short'), 'short', 'a short text is read whole')
  const sample = modelSample('x'.repeat(700))
  t.ok(sample.length < 700 && sample.length >= 500, 'a long one is cut')
  // Astral characters are two UTF-16 units: the cut never separates them.
  for (const prefix of ['', 'a']) {
    const cut = modelSample(prefix + '😀'.repeat(400))
    t.ok(cut.isWellFormed(), `no lone surrogate (prefix "${prefix}")`)
  }
})

t.test('a long comment is judged on its start, middle and end', async (t) => {
  const english = 'I read the article twice and I think the writer is right about the budget. '
  const french = 'Je ne suis pas du tout d\'accord avec cet article, les chiffres sont faux. '
  t.equal(detectLanguage(english.repeat(300)).english, true)
  t.equal(detectLanguage(english.repeat(15) + french.repeat(300)).english, false, 'one English paragraph does not carry a French comment')
  t.equal(languageSample('short').length, 5)
  const sample = languageSample('a'.repeat(3000) + '😀'.repeat(2000))
  t.ok(sample.length <= 3 * SAMPLE_PART + 2, 'a long text is read in three parts')
  t.notOk(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(sample), 'no part splits a surrogate pair')
})
