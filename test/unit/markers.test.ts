import { parseMarkers, renderMarker, type Marker } from '../../src/domain/markers.js';

const base: Marker = {
  v: 1,
  step: 'ping1',
  platform: 'pagerduty',
  quarter: '2026-Q4',
  owner: 'jdoe',
  findings: ['pagerduty:unknown-id:jdoe'],
};

describe('markers', () => {
  test('render → parse round trip', () => {
    const text = renderMarker(base);
    expect(text).toMatch(/^<!-- audit-bot \{.*\} -->$/);
    expect(parseMarkers(text)).toEqual([base]);
  });

  test('extra fields and null owner survive', () => {
    const marker: Marker = {
      v: 1,
      step: 'results',
      platform: 'pagerduty',
      owner: null,
      findings: [],
      ids: { 'a:b': 'PD-1' },
    };
    expect(parseMarkers(`Text\n\n${renderMarker(marker)}\n`)).toEqual([marker]);
  });

  test('several markers in one body, in order', () => {
    const second: Marker = { ...base, step: 'ping2', owner: 'asmith' };
    const third: Marker = { v: 1, step: 'som', platform: 'calendly' };
    const body = `first\n${renderMarker(base)}\nmiddle ${renderMarker(second)} text\n\n${renderMarker(third)}`;
    expect(parseMarkers(body)).toEqual([base, second, third]);
  });

  test('damaged JSON and non-markers are ignored, the valid ones kept', () => {
    const body = [
      '<!-- audit-bot {"v":1,"step":"ping1",} -->',
      '<!-- audit-bot {"step":"ping1","platform":"pagerduty"} -->',
      '<!-- audit-bot {"v":1,"step":"ping1","platform":"pagerduty","findings":[1]} -->',
      '<!-- audit-bot ["v",1] -->',
      '<!-- something else {"v":1} -->',
      renderMarker(base),
    ].join('\n');
    expect(parseMarkers(body)).toEqual([base]);
  });

  test('a truncated marker (no closing brace) does not swallow the valid marker after it', () => {
    const body = `<!-- audit-bot {"v":1,"step":"ping1" -->\n\nSome text\n\n${renderMarker(base)}`;
    expect(parseMarkers(body)).toEqual([base]);
  });

  test('strings containing --> or <!-- round-trip and do not end the comment early', () => {
    const marker: Marker = {
      ...base,
      owner: 'x --> y',
      findings: ['<!-- audit-bot {"v":1} -->', '--', '---', '----!>', 'a-', '-->', '}', '} -->', '\\--', '\u2028\n'],
      note: '<script>--!></script>',
    };
    const text = renderMarker(marker);
    const inner = text.slice('<!--'.length, -'-->'.length);
    expect(inner).not.toContain('--');
    expect(inner).not.toContain('<');
    expect(inner).not.toContain('>');
    expect(inner).not.toContain('\n');
    expect(parseMarkers(text)).toEqual([marker]);
    expect(parseMarkers(`${text}\n${renderMarker(base)}`)).toEqual([marker, base]);
  });
});
