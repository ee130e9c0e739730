import type { Region } from '../virtio/allocationMap';

/**
 * Every sentence a step can carry, as a stable key with its English template. The engine emits keys and
 * parameters (StepRecord.message), never finished sentences, so the UI can show them in any language; this table
 * is the English, used for StepRecord.explain (the CLI, tests) and the reference the UI's translations follow
 * (src/ui/i18n/locales/<lng>/steps.json must hold every key). Templates use i18next's `{{param}}` syntax.
 *
 * Keys are nested by dots in the translation files, so no key may be a prefix of another ('kick' beside
 * 'kick.suppressed.eventIdx' would not fit a JSON tree). Identifiers (field names, flags, function names) stay
 * as they are in every language; a device's or driver's error text is a quote of QEMU or Linux and is passed in
 * as `{{message}}`, never translated.
 */
export const STEP_TEMPLATES = {
  // ---- stores, by where they land in the memory map
  'write.raw': 'writes {{bytes}} byte(s) at {{addr}}',
  'desc.addr': 'vq{{q}} descriptor {{i}}: addr = {{value}}',
  'desc.len': 'vq{{q}} descriptor {{i}}: len = {{value}}',
  'desc.flags': 'vq{{q}} descriptor {{i}}: flags = {{value}}',
  'desc.next': 'vq{{q}} descriptor {{i}}: next = {{value}}',
  'desc.bytes': 'vq{{q}} descriptor {{i}}: {{bytes}} byte(s) written',
  'indirect.addr': 'indirect table entry {{i}} ({{table}}): addr = {{value}}',
  'indirect.len': 'indirect table entry {{i}} ({{table}}): len = {{value}}',
  'indirect.flags': 'indirect table entry {{i}} ({{table}}): flags = {{value}}',
  'indirect.next': 'indirect table entry {{i}} ({{table}}): next = {{value}}',
  'indirect.bytes': 'indirect table entry {{i}} ({{table}}): {{bytes}} byte(s) written',
  'avail.flags': 'vq{{q}} avail.flags = {{value}}',
  'avail.flagsNoInterrupt': 'vq{{q}} avail.flags = {{value}} (NO_INTERRUPT)',
  'avail.idx': 'vq{{q}} avail.idx = {{value}}: the driver publishes its entries (slot {{slot}} is next)',
  'avail.usedEvent': 'vq{{q}} used_event = {{value}}: interrupt me once used.idx passes {{value}}',
  'avail.ring': 'vq{{q}} avail.ring[{{slot}}] = {{value}}: head of the chain',
  'used.flags': 'vq{{q}} used.flags = {{value}}',
  'used.flagsNoNotify': 'vq{{q}} used.flags = {{value}} (NO_NOTIFY)',
  'used.idx': 'vq{{q}} used.idx = {{value}}: the device publishes its used elements',
  'used.availEvent': 'vq{{q}} avail_event = {{value}}: kick me once avail.idx passes {{value}}',
  'used.ringId': 'vq{{q}} used.ring[{{slot}}].id = {{value}}',
  'used.ringLen': 'vq{{q}} used.ring[{{slot}}].len = {{value}}',
  'blk.outhdr': '{{label}}: virtio_blk_outhdr written (type, ioprio, sector)',
  'blk.data': '{{label}}: {{bytes}} data byte(s) written',
  'blk.status': '{{label}}: status = {{value}} ({{name}})',
  'region.bytes': '{{label}}: {{bytes}} byte(s) written',
  'segment.read': '{{label}}: {{bytes}} byte(s) read at {{addr}}',

  // ---- barriers: what each kind orders in general, then where one kind serves a particular purpose
  'barrier.virtio_wmb':
    'virtio_wmb: write barrier: the descriptors and ring entry become visible before the index that publishes them',
  'barrier.virtio_rmb': 'virtio_rmb: read barrier: read used.idx before the used element it covers',
  'barrier.virtio_mb':
    'virtio_mb: full barrier: publish the index before reading whether the other side wants a notification',
  'barrier.virtio_store_mb':
    'virtio_store_mb: store then full barrier: used_event is visible before the ring is checked again',
  'barrier.smp_rmb': 'smp_rmb: read barrier: read avail.idx before the ring entries it covers',
  'barrier.smp_wmb': 'smp_wmb: write barrier: the used element is visible before used.idx moves',
  'barrier.smp_mb': 'smp_mb: full barrier: publish before deciding whether to notify',
  'barrier.readNextDesc':
    'smp_wmb: write barrier (QEMU uses it as a compiler barrier): desc.next is read once, so a guest changing it now cannot make the device follow two different chains',
  'barrier.setNotification':
    'smp_mb: full barrier: the re-enabled notification (avail_event or the cleared NO_NOTIFY) is visible before avail.idx is read again, so no kick is lost',
  'barrier.pollEnableCb':
    'virtio_mb: full barrier: the re-enabled interrupt (used_event or the cleared NO_INTERRUPT) is visible before used.idx is read again, so no interrupt is lost',

  // ---- events: decisions and hand-overs that write nothing themselves
  noop: 'nothing new to do',
  'kick.sent': 'kick: the driver notifies the device that vq{{q}} has new buffers',
  'kick.suppressed.eventIdx': 'no kick needed: vring_need_event(avail_event, new, old) is false',
  'kick.suppressed.noNotify': 'no kick needed: the device set VRING_USED_F_NO_NOTIFY',
  'interrupt.sent': 'interrupt: the device tells the guest vq{{q}} has used buffers',
  'interrupt.config': 'config interrupt: the device status changed (DEVICE_NEEDS_RESET)',
  'interrupt.suppressed.eventIdx': 'no interrupt needed: vring_need_event(used_event, new, old) is false',
  'interrupt.suppressed.noInterrupt': 'no interrupt needed: the driver set VRING_AVAIL_F_NO_INTERRUPT',
  'pop.chain': 'vq{{q}}: virtqueue_pop takes the chain at head {{head}} (request {{request}}) from the avail ring',
  'pop.stale':
    "vq{{q}}: virtqueue_pop reads avail.ring[{{slot}}] = {{head}} before the driver's store of head {{expected}} reached it (no virtio_wmb): it takes the stale chain at head {{head}} as request {{request}}'s",
  'io.submitted': 'request {{request}} ({{type}}, {{bytes}} bytes) goes to the disk backend; it completes later',
  'io.submittedAt':
    'request {{request}} ({{type}}, {{bytes}} bytes at sector {{sector}}) goes to the disk backend; it completes later',
  completed: 'request {{request}} ({{op}}) completes: {{result}}',
  ringFull: 'vq{{q}} is full (-ENOSPC): blk_mq_stop_hw_queue until completions free descriptors',
  'device.error': 'device error: {{message}} (virtio spec §{{spec}})',
  'device.dropped':
    'request {{request}}\'s I/O is done, but the device has been broken since "{{error}}" (DEVICE_NEEDS_RESET): virtqueue_push returns nothing to the used ring and no interrupt follows, until the driver resets the device',
  'driver.error': 'driver error: {{message}} (virtio spec §{{spec}})',

  // ---- injected faults
  'fault.kickLost': 'fault: the kick for vq{{q}} is lost on its way to the device',
  'fault.interruptLost': 'fault: the interrupt for vq{{q}} is lost',
  'fault.missingBarrier.late': 'fault: no virtio_wmb, so this store becomes visible only after avail.idx',
  'fault.missingBarrier.publish':
    "fault: virtio_wmb missing: avail.idx became visible before the ring entry it publishes (avail.ring[{{slot}}] still holds {{stale}}, not request {{request}}'s head {{head}})",
  'fault.missingBarrier.entry':
    "fault: no virtio_wmb, so request {{request}}'s ring entry becomes visible only now, after avail.idx: a device that read slot {{slot}} in between took head {{stale}}",
  'fault.loopedChain':
    "fault: instead of clearing NEXT on the chain's last descriptor, the driver points its next at {{desc}}, itself: the chain never ends",
  'fault.zeroLength': "fault: the chain's first descriptor gets len = 0, a buffer of no bytes",
  'fault.writableHeader':
    'fault: the request header descriptor is marked device-writable (WRITE), so a writable buffer comes before the readable ones',
  'fault.indexJump': 'fault: the driver moves avail.idx {{by}} past the entries it filled',
  'fault.headOutOfRange': 'fault: the ring entry names head {{head}}, outside the {{size}}-entry descriptor table',
  'fault.availIdxNoWrap':
    'fault: the driver publishes avail.idx modulo the queue size, {{value}} ({{shadow}} mod {{size}}), instead of the free-running {{shadow}}',
  'fault.leakedDescriptor':
    "fault: detach_buf_split keeps request {{request}}'s chain (head {{head}}, {{descs}} descriptor(s)) off the free list: num_free stays {{free}} and those descriptors are lost to the driver",
  'fault.ringExhausted':
    'fault: vq{{q}} has {{free}} free descriptor(s) of {{size}} and nothing in flight: the leaked ones never come back, so no completion will restart the stopped queue and the disk hangs',
  'fault.badUsedLen':
    "fault: the device reports used.len = {{len}}, but request {{request}}'s device-writable buffers hold {{writable}} byte(s); virtio_blk reads the status byte and ignores used.len, a driver that trusted it would read past its buffer",

  /** A step's sentence followed by how an injected fault changed the step (StepRecord.fault). */
  withFault: '{{text}}. {{fault}}',
} as const satisfies Record<string, string>;

export type StepMessageKey = keyof typeof STEP_TEMPLATES;

export type MessageParams = Record<string, string | number>;

/**
 * The memory region a label parameter names, by its parts (the allocation map's kind, queue and owner, and its
 * English label), so a UI can name it in its own language as its memory map does.
 */
export type MessageRegion = Pick<Region, 'kind' | 'label' | 'queue' | 'owner'>;

/** A sentence as data: a key of STEP_TEMPLATES and the values of its `{{param}}`s. Plain JSON. */
export interface StepMessage {
  key: StepMessageKey;
  params: MessageParams;
  /**
   * For a parameter that is a region's label (`label`, an indirect table's `table`): that region by its parts. The
   * parameter itself keeps the English label, so renderMessage and anything reading only `params` are unchanged;
   * absent where no parameter names a region.
   */
  regions?: Partial<Record<string, MessageRegion>>;
}

/** A region's parts as a message carries them (see StepMessage.regions): plain JSON, optional parts left out. */
export function messageRegion(region: MessageRegion): MessageRegion {
  const { kind, label, queue, owner } = region;
  return { kind, label, ...(queue !== undefined ? { queue } : {}), ...(owner !== undefined ? { owner } : {}) };
}

/** `m` with its parameter `param` (which holds `region`'s English label) marked as naming that region. */
export function namingRegion(m: StepMessage, param: string, region: MessageRegion): StepMessage {
  return { ...m, regions: { ...m.regions, [param]: messageRegion(region) } };
}

/** The `{{param}}` names in a template, as a type, so each message is checked against its template. */
type ParamNames<T extends string> = T extends `${string}{{${infer P}}}${infer Rest}` ? P | ParamNames<Rest> : never;
export type ParamsOf<K extends StepMessageKey> = Record<ParamNames<(typeof STEP_TEMPLATES)[K]>, string | number>;

/** Builds a message; TypeScript checks that `params` names exactly the template's parameters. */
export function message<K extends StepMessageKey>(
  key: K,
  ...params: [ParamNames<(typeof STEP_TEMPLATES)[K]>] extends [never] ? [] : [ParamsOf<K>]
): StepMessage {
  return { key, params: (params[0] ?? {}) as MessageParams };
}

const PARAM = /\{\{(\w+)\}\}/g;

/** The parameter names a template uses, in order of first use. */
export function templateParams(key: StepMessageKey): string[] {
  return [...new Set([...STEP_TEMPLATES[key].matchAll(PARAM)].map((m) => m[1]!))];
}

/** English for one message. A parameter the message lacks stays as `{{name}}`, visibly. */
export function renderMessage(m: StepMessage): string {
  return STEP_TEMPLATES[m.key].replace(PARAM, (whole, name: string) => {
    const v = m.params[name];
    return v === undefined ? whole : String(v);
  });
}

/** English for a step: its sentence, and after it what an injected fault changed, if one did. */
export function renderStep(m: StepMessage, fault?: StepMessage): string {
  const text = renderMessage(m);
  return fault ? renderMessage(message('withFault', { text, fault: renderMessage(fault) })) : text;
}
