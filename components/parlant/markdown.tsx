'use client'

import type { ComponentProps } from 'react'
import ReactMarkdown, { type Components } from 'react-markdown'
import remarkGfm from 'remark-gfm'

/**
 * Elements drawn with the chat's own classes. Links open in a new tab without access to this
 * page; react-markdown already drops `javascript:` and other unsafe URLs.
 */
const COMPONENTS: Components = {
  a: ({ node: _node, ...props }: ComponentProps<'a'> & { node?: unknown }) => (
    <a
      {...props}
      target='_blank'
      rel='noopener noreferrer nofollow'
      className='text-[var(--brand-secondary)] underline underline-offset-2'
    />
  ),
  p: ({ node: _node, ...props }) => <p {...props} className='my-1 first:mt-0 last:mb-0' />,
  ul: ({ node: _node, ...props }) => <ul {...props} className='my-1 list-disc pl-4' />,
  ol: ({ node: _node, ...props }) => <ol {...props} className='my-1 list-decimal pl-4' />,
  code: ({ node: _node, ...props }) => (
    <code {...props} className='rounded-xs bg-[var(--surface-4)] px-1 font-mono text-xs' />
  ),
  pre: ({ node: _node, ...props }) => (
    <pre
      {...props}
      className='my-1 overflow-x-auto rounded-md bg-[var(--surface-4)] p-2 font-mono text-xs'
    />
  ),
  table: ({ node: _node, ...props }) => (
    <table {...props} className='my-1 border-collapse text-xs [&_td]:border [&_th]:border' />
  ),
}

export interface MarkdownProps {
  text: string
}

/**
 * An agent's reply as Markdown (GitHub flavour), safely: raw HTML in the text is dropped, never
 * rendered, and URLs go through react-markdown's default sanitizer.
 */
export function Markdown({ text }: MarkdownProps) {
  return (
    <ReactMarkdown remarkPlugins={[remarkGfm]} skipHtml components={COMPONENTS}>
      {text}
    </ReactMarkdown>
  )
}
