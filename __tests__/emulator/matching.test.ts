/**
 * The emulator's reply rule (content words, or quoted phrases) as properties: a condition matches
 * its own text, any message that contains its content words in any order and case, and stops
 * matching when one content word is missing.
 */
import fc from 'fast-check'
import { conditionMatches, contentWords, replyFor } from '@/emulator'

const word = fc.stringMatching(/^[a-z]{4,9}$/).filter((w) => contentWords(w).length === 1)
const filler = fc.constantFrom('the', 'customer', 'asks', 'about', 'what', 'is', 'your', 'how')

describe('the content-word reply rule', () => {
  it('matches the examples people write', () => {
    expect(
      conditionMatches('the customer asks about opening hours', 'What are your opening hours?')
    ).toBe(true)
    expect(
      conditionMatches('the customer asks about shipping', 'How long does shipping take?')
    ).toBe(true)
    expect(
      conditionMatches('the customer asks about shipping', 'How long does delivery take?')
    ).toBe(false)
    expect(conditionMatches('the customer asks about refunds', 'Can I get a refund?')).toBe(true)
    expect(conditionMatches('the customer asks about "refund"', 'REFUND now')).toBe(true)
    expect(contentWords('The customer wants to know the opening hours')).toEqual([
      'opening',
      'hour',
    ])
    expect(conditionMatches('the customer asks about it', 'anything at all')).toBe(false)
  })

  it('matches any message holding every content word, in any order and case', () => {
    fc.assert(
      fc.property(
        fc.array(word, { minLength: 1, maxLength: 4 }),
        fc.array(fc.oneof(word, filler), { maxLength: 6 }),
        fc.boolean(),
        (topic, noise, upper) => {
          const condition = `the customer asks about ${topic.join(' ')}`
          expect(conditionMatches(condition, condition)).toBe(true)
          const shuffled = [...noise, ...[...topic].reverse()].join(', ')
          const message = upper ? shuffled.toUpperCase() : shuffled
          expect(conditionMatches(condition, `${message}?`)).toBe(true)
        }
      )
    )
  })

  it('does not match when a content word is missing', () => {
    fc.assert(
      fc.property(fc.uniqueArray(word, { minLength: 2, maxLength: 4 }), (topic) => {
        const condition = `the customer asks about ${topic.join(' ')}`
        const wanted = contentWords(condition)
        const without = topic.filter((w) => !contentWords(w).includes(wanted[0] ?? ''))
        expect(conditionMatches(condition, without.join(' '))).toBe(false)
      })
    )
  })

  it('answers with the highest-priority matching action, else echoes', () => {
    const agent = { id: 'ag', tags: [] }
    const guidelines = [
      { id: 'low', condition: 'asks about shipping', action: 'Low.', tags: [], priority: 0 },
      { id: 'high', condition: 'shipping costs', action: 'High.', tags: [], priority: 2 },
    ]
    expect(replyFor('What do shipping costs look like?', agent, guidelines)).toEqual({
      messages: ['High.'],
      matched: ['high', 'low'],
    })
    expect(replyFor('hello', agent, guidelines).messages).toEqual([
      'I received your message: "hello"',
    ])
  })
})
