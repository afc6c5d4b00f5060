/**
 * `check-canvas-sentences --require-coverage` and the icon audits (`check:icon-paths`,
 * `check:icon-path-precision`, `check:bare-icons`), enforced on the Parlant block.
 */
import { readFileSync } from 'node:fs'
import { createElement } from 'react'
import { renderToStaticMarkup } from 'react-dom/server'
import { describe, expect, it } from 'vitest'
import { ParlantIcon } from '@/components/icons'
import { ParlantBlock } from '@/blocks/blocks/parlant'
import type { BlockConfig, CanvasSentence } from '@/blocks/types'
import {
  operationIds,
  pathGrammarViolations,
  precisionViolations,
  renderSentence,
  sentenceViolations,
} from './rules'

function withSentence(operation: string, sentence: CanvasSentence): BlockConfig {
  const byOperation = { ...ParlantBlock.canvasPresentation?.sentences?.byOperation }
  byOperation[operation] = sentence
  return {
    ...ParlantBlock,
    canvasPresentation: {
      defaultTitle: 'Parlant Agent',
      sentences: { byOperation },
    },
  }
}

describe('Parlant canvas sentences', () => {
  it('cover every operation at 100% and pass every rule', () => {
    const byOperation = ParlantBlock.canvasPresentation?.sentences?.byOperation ?? {}
    expect(Object.keys(byOperation).sort()).toEqual([...operationIds(ParlantBlock)].sort())
    expect(sentenceViolations(ParlantBlock)).toEqual([])
  })

  it('read as commands on an untouched card, and each operation reads differently', () => {
    const byOperation = ParlantBlock.canvasPresentation?.sentences?.byOperation ?? {}
    const bare = Object.fromEntries(
      Object.entries(byOperation).map(([op, s]) => [
        op,
        renderSentence(ParlantBlock, s, op, 'bare'),
      ])
    )
    expect(bare).toEqual({
      parlant_chat: 'Send a message to an agent',
      parlant_start_agent: 'Start an agent',
      parlant_stop_agent: 'Stop an agent',
      parlant_get_status: 'Check whether an agent is running',
      parlant_list_agents: 'List the Parlant agents of this workspace',
      parlant_get_conversation: 'Read the conversation with an agent',
    })
    expect(renderSentence(ParlantBlock, byOperation.parlant_chat!, 'parlant_chat', 'filled')).toBe(
      'Send ⟨message⟩ to ⟨agentSelector⟩ in conversation ⟨conversationKey⟩'
    )
  })

  it('the rules bite: missing coverage, article before a chip, core on advanced, half a pair', () => {
    const { parlant_list_agents: _dropped, ...rest } =
      ParlantBlock.canvasPresentation?.sentences?.byOperation ?? {}
    const uncovered = {
      ...ParlantBlock,
      canvasPresentation: { defaultTitle: 'Parlant Agent', sentences: { byOperation: rest } },
    }
    expect(sentenceViolations(uncovered)).toContain('no sentence for operation parlant_list_agents')

    const article = withSentence('parlant_start_agent', [
      { text: 'Start the', field: ['agentSelector', 'manualAgentId'], core: true },
    ])
    expect(sentenceViolations(article).join('\n')).toMatch(/article before a chip/)

    const advancedCore = withSentence('parlant_chat', [
      { text: 'Send', field: 'message', core: true },
      { text: 'as', field: 'customerId', core: true },
    ])
    expect(sentenceViolations(advancedCore).join('\n')).toMatch(/core on an advanced field/)

    const halfPair = withSentence('parlant_stop_agent', [
      { text: 'Stop', field: 'agentSelector', core: true },
    ])
    expect(sentenceViolations(halfPair).join('\n')).toMatch(/omits canonical member/)

    const same = withSentence('parlant_stop_agent', [
      { text: 'Start', field: ['agentSelector', 'manualAgentId'], core: true },
    ])
    expect(sentenceViolations(same).join('\n')).toMatch(/renders identically/)

    const dead = withSentence('parlant_list_agents', [
      'List agents',
      { text: 'like', field: 'message' },
    ])
    expect(sentenceViolations(dead).join('\n')).toMatch(/never visible/)

    const empty = withSentence('parlant_get_status', [{ text: 'Check', field: 'conversationKey' }])
    expect(sentenceViolations(empty).join('\n')).toMatch(/nothing is guaranteed/)

    const dangling = withSentence('parlant_chat', [
      { text: 'Send', field: 'message', core: true },
      'to',
      { field: 'conversationKey' },
    ])
    expect(sentenceViolations(dangling).join('\n')).toMatch(/ends on "to"/)

    const thirdPerson = withSentence('parlant_start_agent', [
      { text: 'Starts', field: ['agentSelector', 'manualAgentId'], core: true },
    ])
    expect(sentenceViolations(thirdPerson).join('\n')).toMatch(/third person/)
  })
})

describe('ParlantIcon', () => {
  const markup = renderToStaticMarkup(
    createElement(ParlantIcon, { className: 'size-4', width: 20, 'aria-label': 'x' })
  )
  const paths = [...markup.matchAll(/\sd="([^"]*)"/g)].map((m) => m[1] ?? '')

  it('renders an svg that passes the caller props through', () => {
    expect(markup.startsWith('<svg')).toBe(true)
    expect(markup).toContain('class="size-4"')
    expect(markup).toContain('width="20"')
    expect(markup).toContain('viewBox="0 0 24 24"')
    expect(paths.length).toBeGreaterThan(0)
  })

  it('spreads props first so the tile controls size and colour', () => {
    const source = readFileSync(new URL('../../components/icons.tsx', import.meta.url), 'utf8')
    const parlant = source.slice(source.indexOf('export function ParlantIcon'))
    expect(parlant).toMatch(/<svg\s+\{\.\.\.props\}/)
  })

  it('draws in currentColor, never hard-coded white or black', () => {
    const paints = [...markup.matchAll(/\s(fill|stroke)="([^"]*)"/g)].map((m) => m[2])
    expect(paints.length).toBeGreaterThan(0)
    for (const paint of paints) expect(['currentColor', 'none']).toContain(paint)
    expect(markup).not.toMatch(/#fff\b|#ffffff|#000\b|#000000|"white"|"black"/i)
  })

  it('has valid path grammar with at most three decimals per number', () => {
    for (const d of paths) {
      expect(pathGrammarViolations(d)).toEqual([])
      expect(precisionViolations(d)).toEqual([])
    }
    expect(pathGrammarViolations('L1 2')).toContain('path must start with M or m')
    expect(pathGrammarViolations('M1 2 3')).not.toEqual([])
    expect(pathGrammarViolations('M0 0a1 1 0 2 1 1 1')).toContain('arc flags must be 0 or 1')
    expect(precisionViolations('M0.12345 1')).toHaveLength(1)
  })
})
