import t from 'tap'
import { decide, type Policy } from '../../src/screening/policy.js'
import type { Flag } from '../../src/screening/types.js'
import type { LanguageResult } from '../../src/screening/language.js'

const english: LanguageResult = { code: 'eng', english: true, confidence: 1 }
const french: LanguageResult = { code: 'fra', english: false, confidence: 0.9 }
const unknown: LanguageResult = { code: 'und', english: null, confidence: 0 }
const flag = (category: Flag['category'], severity: Flag['severity'] = 'medium'): Flag => ({ category, severity, rule: 'test', start: 0, end: 1, text: 'x' })

const base: Policy = {
  clean: { action: 'review', lane: 'normal' },
  language: { action: 'reject', lane: 'normal', reason: 'Please write your comment in English.' },
  defaultLane: 'high',
  categories: {
    threat: { action: 'review', lane: 'urgent' },
    insult: { action: 'review', lane: 'high' },
    spam: { action: 'reject', lane: 'low', minSeverity: 'high', reason: 'No advertising, please.' }
  }
}

t.test('clean comments', async (t) => {
  t.same(decide([], english, base), { status: 'pending', lane: 'normal' })
  t.same(decide([], english, { ...base, clean: { action: 'approve', lane: 'low' } }), { status: 'approved', lane: 'low' }, 'ops can approve clean comments automatically')
  t.same(decide([], unknown, base), { status: 'pending', lane: 'normal' }, 'undetermined language is never rejected')
})

t.test('the most urgent lane of the flags wins', async (t) => {
  t.same(decide([flag('insult'), flag('threat')], english, base), { status: 'pending', lane: 'urgent' })
  t.same(decide([flag('libel')], english, base), { status: 'pending', lane: 'high' }, 'unnamed category: default lane')
})

t.test('outright rejection', async (t) => {
  t.same(decide([], french, base), { status: 'rejected', lane: 'normal', reason: 'Please write your comment in English.', reasonCode: 'language' })
  t.same(decide([], french, { ...base, language: { ...base.language, action: 'review', lane: 'low' } }), { status: 'pending', lane: 'low' }, 'ops can send other languages to review instead')
  t.same(decide([flag('spam', 'high')], english, base), { status: 'rejected', lane: 'low', reason: 'No advertising, please.', reasonCode: 'spam' })
  t.same(decide([flag('spam', 'low')], english, base), { status: 'pending', lane: 'low' }, 'below minSeverity: reviewed')
  const noReason = { ...base, categories: { threat: { action: 'reject' as const, lane: 'urgent' as const } } }
  t.equal(decide([flag('threat')], english, noReason).reason, 'Your comment breaks our comment policy.')
})
