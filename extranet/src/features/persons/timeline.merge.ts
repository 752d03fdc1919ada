import { parisInstant } from '@maillage/platform/clock';
import { type RawTimeline, TIMELINE_PAGE_SIZE, type TimelineItem } from './timeline.ts';

/** Merges the sources into one list, newest first (labels in French: it is shown as is). */
export function mergeTimeline(
  raw: RawTimeline,
  labels: {
    kind: Record<string, string>;
    decision: Record<string, string>;
    attendance: Record<string, string>;
    phase: Record<string, string>;
    noteKind: Record<string, string>;
    endReason: Record<string, string>;
  },
): { items: TimelineItem[]; hasMore: boolean } {
  const items: TimelineItem[] = [];
  for (const r of raw.requests)
    items.push({
      at: r.created_at,
      kind: 'request',
      key: `r${r.id}`,
      title: `Demande reçue : ${labels.kind[r.kind] ?? r.kind}`,
      detail: [r.reference, r.title, r.source_type === 'prescriber' ? 'par un·e professionnel·le' : null]
        .filter(Boolean)
        .join(' · '),
      href: `/demandes/${r.id}`,
    });
  for (const d of raw.decisions)
    items.push({
      at: d.at,
      kind: 'decision',
      key: `d${d.id}`,
      title: labels.decision[d.action] ?? d.action,
      by: d.name,
      href: d.entity_id ? `/demandes/${d.entity_id}` : null,
    });
  for (const a of raw.attendance)
    items.push({
      at: parisInstant(a.slot_date, a.slot_start).toISOString(),
      kind: 'attendance',
      key: `a${a.id}`,
      title: `${labels.attendance[a.status] ?? a.status} à une demi-journée`,
      detail: a.title,
    });
  for (const p of raw.phases)
    items.push({
      at: parisInstant(p.started_on, '08:00').toISOString(),
      kind: 'phase',
      key: `p${p.id}`,
      title: `Accompagnement : phase ${labels.phase[p.phase] ?? p.phase}`,
      by: p.name,
      href: `/accompagnements/${p.support_id}`,
    });
  for (const e of raw.ends)
    items.push({
      at: e.ended_at as string,
      kind: 'support-end',
      key: `e${e.id}`,
      title: 'Fin de l’accompagnement',
      detail:
        e.outcome === 'activite-creee'
          ? `Activité créée : ${e.activity_name}`
          : (labels.endReason[e.end_reason ?? ''] ?? e.end_reason),
      href: `/accompagnements/${e.id}`,
    });
  for (const n of raw.notes)
    items.push({
      at: n.occurred_at,
      kind: 'note',
      key: `n${n.id}`,
      title: `Note : ${labels.noteKind[n.kind] ?? n.kind}`,
      detail: n.body,
      by: n.name,
      noteId: n.id,
      href: `/notes/${n.id}`,
    });
  for (const m of raw.messages)
    items.push({
      at: m.sent_at ?? m.created_at,
      kind: 'message',
      key: `m${m.id}`,
      title: m.status === 'sent' ? 'Message envoyé' : 'Message en attente d’envoi',
      detail: m.subject,
    });
  for (const c of raw.calls)
    items.push({
      at: c.handled_at as string,
      kind: 'call',
      key: `c${c.id}`,
      title: c.channel === 'sms' ? 'SMS' : 'Appel',
      detail: c.outcome,
      by: c.name,
    });
  items.sort((a, b) => b.at.localeCompare(a.at) || b.key.localeCompare(a.key));
  const start = (raw.page - 1) * TIMELINE_PAGE_SIZE;
  return {
    items: items.slice(start, start + TIMELINE_PAGE_SIZE),
    hasMore: items.length > start + TIMELINE_PAGE_SIZE,
  };
}
