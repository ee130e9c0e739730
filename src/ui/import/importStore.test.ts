import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { synthTrace } from '../../import/trace/testing/synth';
import { createImportStore } from './importStore';

import { QEMU_SAMPLES } from '../../testing/samples';

const SAMPLES = QEMU_SAMPLES;
const sample = (name: string) => new File([readFileSync(`${SAMPLES}/${name}`)], name);
const textFile = (name: string, text: string) => new File([text], name);

describe('the import store (without Worker: parses on the page in slices)', () => {
  it('imports a trace and shows it at its last event', async () => {
    const store = createImportStore();
    await store.getState().importFiles([sample('trace-default.log')]);
    const s = store.getState();
    expect(s.error).toBeNull();
    expect(s.progress).toBeNull();
    expect(s.view).toBe('import');
    expect(s.imported?.kind).toBe('trace');
    if (s.imported?.kind !== 'trace') return;
    expect(s.imported.trace.queues[0]!.pops).toBe(457);
    expect(s.selected).toBe(3831);
  });

  it('a bad file leaves the previous import and the view as they were', async () => {
    const store = createImportStore();
    await store.getState().importFiles([sample('trace-default.log')]);
    store.getState().showSimulation();
    const before = store.getState().imported;
    await store.getState().importFiles([textFile('notes.txt', 'hello\n')]);
    const s = store.getState();
    expect(s.error).toMatchObject({ file: 'notes.txt', line: 1 });
    expect(s.imported).toBe(before);
    expect(s.view).toBe('simulation');
    s.dismissError();
    expect(store.getState().error).toBeNull();
  });

  it('a trace with no virtio event is refused with its name', async () => {
    const store = createImportStore();
    await store.getState().importFiles([textFile('other.log', '1@2.000003:vhost_commit Started: 1 Changed: 0\n')]);
    expect(store.getState().error?.message).toMatch(/no QEMU virtio trace events/);
    expect(store.getState().imported).toBeNull();
  });

  it('keeps a contradiction’s partial history with its problem', async () => {
    const store = createImportStore();
    await store.getState().importFiles([
      // From the reset on the state of the device's queues is known (the kick ties vq 0x1 to it): the flush finds
      // nothing filled.
      textFile(
        'bad.log',
        'virtio_set_status vdev 0x9 val 0\nvirtio_queue_notify vdev 0x9 n 0 vq 0x1\n' +
          'virtqueue_pop vq 0x1 elem 0x2 in_num 1 out_num 1\nvirtqueue_flush vq 0x1 count 1\n',
      ),
    ]);
    const s = store.getState();
    expect(s.imported?.kind).toBe('trace');
    expect(s.imported?.problem).toMatchObject({ file: 'bad.log', line: 4 });
    expect(s.error).toBeNull();
  });

  it('a contradiction at the first event shows nothing, only the problem', async () => {
    const store = createImportStore();
    // A known event with an argument missing: nothing before it to show.
    await store.getState().importFiles([textFile('bad.log', 'virtqueue_flush vq 0x1\n')]);
    expect(store.getState().imported).toBeNull();
    expect(store.getState().error).toMatchObject({ file: 'bad.log', line: 1 });
  });

  it('hands snapshots to the snapshot importer', async () => {
    const store = createImportStore();
    const names = ['qmp.json', 'desc.bin', 'avail.bin', 'used.bin'].map((n) => `snap00_live_${n}`);
    await store.getState().importFiles(names.map(sample));
    const s = store.getState();
    expect(s.error).toBeNull();
    expect(s.imported?.kind).toBe('snapshot');
  });

  it('clamps the selected event to the trace', async () => {
    const store = createImportStore();
    await store.getState().importFiles([sample('trace-default.log')]);
    store.getState().select(-5);
    expect(store.getState().selected).toBe(0);
    store.getState().select(1e9);
    expect(store.getState().selected).toBe(3831);
  });
});

describe('cancelling a parse', () => {
  it('stops it and keeps what was there', async () => {
    const store = createImportStore();
    const big = [...synthTrace(200_000, 16)].join('');
    const pending = store.getState().importFiles([textFile('big.log', big)]);
    // Wait until the parse has begun (the detection step reads the head first).
    for (let i = 0; i < 200 && store.getState().progress === null; i++) await new Promise((r) => setTimeout(r, 5));
    expect(store.getState().progress?.file).toBe('big.log');
    store.getState().cancel();
    await pending;
    const s = store.getState();
    expect(s.progress).toBeNull();
    expect(s.imported).toBeNull();
    expect(s.error).toBeNull();
    expect(s.view).toBe('simulation');
  });
});
