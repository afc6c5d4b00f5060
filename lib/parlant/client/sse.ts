/**
 * A `text/event-stream` frame parser (the WHATWG server-sent events format): bytes in, the `data`
 * of each dispatched event out. Lines end with LF, CR or CRLF; `data:` lines join with LF; comment
 * lines (`:`) and other fields (`event`, `id`, `retry`) are skipped; a frame without data is none.
 */

/** Feeds bytes in order; calls `onData` with the data of each complete event. */
export function createSseParser(onData: (data: string) => void) {
  const decoder = new TextDecoder()
  let buffer = ''
  let data: string[] = []

  const line = (text: string) => {
    if (text === '') {
      if (data.length > 0) onData(data.join('\n'))
      data = []
      return
    }
    if (text.startsWith(':')) return
    const colon = text.indexOf(':')
    const field = colon === -1 ? text : text.slice(0, colon)
    if (field !== 'data') return
    let value = colon === -1 ? '' : text.slice(colon + 1)
    if (value.startsWith(' ')) value = value.slice(1)
    data.push(value)
  }

  const drain = (final: boolean) => {
    for (;;) {
      const end = buffer.search(/[\r\n]/)
      if (end === -1) break
      // A CR at the very end may be the first half of a CRLF split across chunks.
      if (buffer[end] === '\r' && end === buffer.length - 1 && !final) break
      const text = buffer.slice(0, end)
      buffer = buffer.slice(buffer[end] === '\r' && buffer[end + 1] === '\n' ? end + 2 : end + 1)
      line(text)
    }
  }

  return {
    push(chunk: Uint8Array) {
      buffer += decoder.decode(chunk, { stream: true })
      drain(false)
    },
    /** The stream ended: an unterminated last event is dropped, as the format says. */
    end() {
      buffer += decoder.decode()
      drain(true)
      buffer = ''
      data = []
    },
  }
}
