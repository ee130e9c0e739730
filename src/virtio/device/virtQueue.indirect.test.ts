import { describe, expect, it } from 'vitest';
import {
  VIRTIO_RING_F_INDIRECT_DESC,
  VRING_DESC_F_INDIRECT,
  VRING_DESC_F_NEXT,
  VRING_DESC_F_WRITE,
} from '../constants';
import { withFeatures } from '../features';
import { BUF, MEM_SIZE, errorOf, makeRig, valueOf, type RigOptions } from './virtQueue.testRig';

const INDIRECT = withFeatures(VIRTIO_RING_F_INDIRECT_DESC);
const TABLE = 0xc000;

const rig = (o: RigOptions = {}) => makeRig({ features: INDIRECT, ...o });

describe('VirtQueue.virtqueue_pop: indirect tables', () => {
  it('follows an INDIRECT head into its table: segments and descs', () => {
    const { vq, driver, ring } = rig();
    driver.writeChain(
      [0, 1, 2],
      [
        { addr: BUF, len: 16 },
        { addr: BUF + 0x200, len: 4096, write: true },
        { addr: BUF + 0x1200, len: 1, write: true },
      ],
      TABLE,
    );
    ring.writeDesc(3, { addr: BigInt(TABLE), len: 48, flags: VRING_DESC_F_INDIRECT, next: 0 });
    driver.publish(3);
    const elem = valueOf(vq.virtqueue_pop());
    expect(elem).toMatchObject({
      index: 3,
      ndescs: 1,
      indirect: true,
      indirectTable: { via: 3, addr: TABLE, len: 48 },
      out_sg: [{ addr: BUF, len: 16 }],
      in_sg: [
        { addr: BUF + 0x200, len: 4096 },
        { addr: BUF + 0x1200, len: 1 },
      ],
      descs: [3, 0, 1, 2],
    });
    expect(vq.state.inuse).toBe(1);
  });

  it('ignores WRITE on the descriptor that points at the table (spec §2.7.5.3.2)', () => {
    const { vq, driver, ring } = rig();
    driver.writeChain([0], [{ addr: BUF, len: 8 }], TABLE);
    ring.writeDesc(0, {
      addr: BigInt(TABLE),
      len: 16,
      flags: VRING_DESC_F_INDIRECT | VRING_DESC_F_WRITE,
      next: 0,
    });
    driver.publish(0);
    const elem = valueOf(vq.virtqueue_pop());
    expect(elem?.out_sg).toEqual([{ addr: BUF, len: 8 }]);
    expect(elem?.in_sg).toEqual([]);
  });

  it('walks `next` inside the table, bounded by the table size rather than the queue size', () => {
    const { vq, driver, ring } = rig({ size: 2 });
    // A 5-entry table in a 2-entry queue, starting at entry 0 (spec §2.7.5.3) and linked out of order.
    driver.writeChain(
      [0, 3, 1, 4, 2],
      [0, 1, 2, 3, 4].map((k) => ({ addr: BUF + k * 8, len: 8, write: k >= 3 })),
      TABLE,
    );
    ring.writeDesc(1, { addr: BigInt(TABLE), len: 80, flags: VRING_DESC_F_INDIRECT, next: 0 });
    driver.publish(1);
    const elem = valueOf(vq.virtqueue_pop());
    expect(elem?.descs).toEqual([1, 0, 3, 1, 4, 2]);
    expect(elem?.out_sg.map((v) => v.addr)).toEqual([BUF, BUF + 8, BUF + 16]);
    expect(elem?.in_sg.map((v) => v.addr)).toEqual([BUF + 24, BUF + 32]);
  });

  it('a table may sit anywhere, unaligned, up to the last byte of memory', () => {
    const { vq, driver, ring } = rig();
    const table = MEM_SIZE - 32;
    driver.writeChain(
      [0, 1],
      [
        { addr: BUF, len: 1 },
        { addr: BUF, len: 1, write: true },
      ],
      table,
    );
    ring.writeDesc(0, { addr: BigInt(table), len: 32, flags: VRING_DESC_F_INDIRECT, next: 0 });
    driver.publish(0);
    expect(valueOf(vq.virtqueue_pop())?.indirectTable).toEqual({ via: 0, addr: table, len: 32 });
  });

  describe('a normal chain that ends in an indirect descriptor (spec §2.7.5.3.2; rust-vmm vm-virtio issue 28)', () => {
    const setup = (specChecks: boolean) => {
      const r = rig({ specChecks });
      r.driver.writeChain(
        [0, 1],
        [
          { addr: BUF + 0x100, len: 8, write: true },
          { addr: BUF + 0x200, len: 1, write: true },
        ],
        TABLE,
      );
      r.driver.writeChain(
        [2, 5],
        [
          { addr: BUF, len: 16 },
          { addr: TABLE, len: 32, flags: VRING_DESC_F_INDIRECT },
        ],
      );
      r.driver.publish(2);
      return r;
    };

    it('is followed into the table by default, as the spec requires', () => {
      const elem = valueOf(setup(true).vq.virtqueue_pop());
      expect(elem).toMatchObject({
        index: 2,
        indirect: true,
        indirectTable: { via: 5, addr: TABLE, len: 32 },
        out_sg: [{ addr: BUF, len: 16 }],
        in_sg: [
          { addr: BUF + 0x100, len: 8 },
          { addr: BUF + 0x200, len: 1 },
        ],
        descs: [2, 5, 0, 1],
      });
    });

    it('with specChecks: false is mapped as a plain readable buffer, as QEMU does (it only follows the head)', () => {
      const elem = valueOf(setup(false).vq.virtqueue_pop());
      expect(elem).toMatchObject({
        indirect: false,
        out_sg: [
          { addr: BUF, len: 16 },
          { addr: TABLE, len: 32 },
        ],
        in_sg: [],
        descs: [2, 5],
      });
    });

    it('writable ring descriptors then a table with readable entries: "Incorrect order for descriptors"', () => {
      const { vq, driver } = rig();
      driver.writeChain([0], [{ addr: BUF, len: 8 }], TABLE);
      driver.writeChain(
        [0, 1],
        [
          { addr: BUF, len: 1, write: true },
          { addr: TABLE, len: 16, flags: VRING_DESC_F_INDIRECT },
        ],
      );
      driver.publish(0);
      errorOf(vq.virtqueue_pop(), 'incorrect-order');
    });

    it('the table is checked like a head one', () => {
      const { vq, driver } = rig();
      driver.writeChain(
        [0, 1],
        [
          { addr: BUF, len: 8 },
          { addr: TABLE, len: 20, flags: VRING_DESC_F_INDIRECT },
        ],
      );
      driver.publish(0);
      expect(errorOf(vq.virtqueue_pop(), 'indirect-bad-size').detail).toMatchObject({ desc: 1, len: 20 });
    });
  });
});

describe('VirtQueue.virtqueue_pop: indirect errors', () => {
  it.each([0, 8, 17, 40])('len %i: "Invalid size for indirect buffer table"', (len) => {
    const { vq, driver, ring } = rig();
    ring.writeDesc(0, { addr: BigInt(TABLE), len, flags: VRING_DESC_F_INDIRECT, next: 0 });
    driver.publish(0);
    const e = errorOf(vq.virtqueue_pop(), 'indirect-bad-size');
    expect(e).toMatchObject({
      message: 'Invalid size for indirect buffer table',
      spec: '2.7.5.3',
      where: 'virtqueue_split_pop',
      qemuChecks: true,
    });
  });

  it.each([
    ['outside memory', BigInt(MEM_SIZE), 16],
    ['straddling the end of memory', BigInt(MEM_SIZE - 16), 32],
    ['at 2^64 - 16', 0xffff_ffff_ffff_fff0n, 16],
  ])('a table %s: "Cannot map indirect buffer"', (_name, addr, len) => {
    const { vq, driver, ring } = rig();
    ring.writeDesc(0, { addr, len, flags: VRING_DESC_F_INDIRECT, next: 0 });
    driver.publish(0);
    const e = errorOf(vq.virtqueue_pop(), 'cannot-map-indirect');
    expect(e).toMatchObject({ message: 'Cannot map indirect buffer', spec: '2.7.5.3', detail: { addr, len } });
  });

  it('next beyond the table: "Desc next is %u"', () => {
    const { vq, driver, ring } = rig();
    ring.writeDesc(0, { addr: BigInt(BUF), len: 4, flags: VRING_DESC_F_NEXT, next: 2 }, TABLE);
    ring.writeDesc(0, { addr: BigInt(TABLE), len: 32, flags: VRING_DESC_F_INDIRECT, next: 0 });
    driver.publish(0);
    expect(errorOf(vq.virtqueue_pop(), 'desc-next-out-of-range').message).toBe('Desc next is 2');
  });

  it('a loop inside the table: "Looped descriptor" after table-size entries', () => {
    const { vq, driver, ring } = rig();
    ring.writeDesc(0, { addr: BigInt(BUF), len: 4, flags: VRING_DESC_F_NEXT, next: 1 }, TABLE);
    ring.writeDesc(1, { addr: BigInt(BUF), len: 4, flags: VRING_DESC_F_NEXT, next: 0 }, TABLE);
    ring.writeDesc(0, { addr: BigInt(TABLE), len: 32, flags: VRING_DESC_F_INDIRECT, next: 0 });
    driver.publish(0);
    expect(errorOf(vq.virtqueue_pop(), 'looped-descriptor').detail).toMatchObject({ entries: 3, max: 2 });
  });

  it('a huge table (len/16 entries) still stops at maxIovecs', () => {
    const { vq, driver, ring } = rig({ maxIovecs: 4 });
    ring.writeDesc(0, { addr: BigInt(BUF), len: 4, flags: VRING_DESC_F_NEXT, next: 0 }, 0);
    ring.writeDesc(0, { addr: 0n, len: MEM_SIZE, flags: VRING_DESC_F_INDIRECT, next: 0 });
    driver.publish(0);
    errorOf(vq.virtqueue_pop(), 'too-many-segments');
  });

  describe('checks QEMU does not make (qemuChecks: false) and what specChecks: false does instead', () => {
    it('INDIRECT without VIRTIO_RING_F_INDIRECT_DESC', () => {
      const make = (specChecks: boolean) => {
        const r = makeRig({ features: 0n, specChecks });
        r.driver.writeChain([0], [{ addr: BUF, len: 8 }], TABLE);
        r.ring.writeDesc(1, { addr: BigInt(TABLE), len: 16, flags: VRING_DESC_F_INDIRECT, next: 0 });
        r.driver.publish(1);
        return r.vq;
      };
      const e = errorOf(make(true).virtqueue_pop(), 'indirect-not-negotiated');
      expect(e).toMatchObject({
        message: 'descriptor 1 sets VRING_DESC_F_INDIRECT but VIRTIO_RING_F_INDIRECT_DESC was not negotiated',
        spec: '2.7.5.3.1',
        qemuChecks: false,
        where: 'virtqueue_split_pop',
      });
      expect(valueOf(make(false).virtqueue_pop())?.out_sg).toEqual([{ addr: BUF, len: 8 }]);
    });

    it('INDIRECT together with NEXT (QEMU ignores NEXT and follows the table)', () => {
      const make = (specChecks: boolean) => {
        const r = rig({ specChecks });
        r.driver.writeChain([0], [{ addr: BUF, len: 8 }], TABLE);
        r.ring.writeDesc(0, {
          addr: BigInt(TABLE),
          len: 16,
          flags: VRING_DESC_F_INDIRECT | VRING_DESC_F_NEXT,
          next: 1,
        });
        r.ring.writeDesc(1, { addr: BigInt(BUF + 0x100), len: 8, flags: VRING_DESC_F_WRITE, next: 0 });
        r.driver.publish(0);
        return r.vq;
      };
      const e = errorOf(make(true).virtqueue_pop(), 'indirect-with-next');
      expect(e).toMatchObject({
        message: 'descriptor 0 sets both VRING_DESC_F_INDIRECT and VRING_DESC_F_NEXT',
        spec: '2.7.5.3.1',
        qemuChecks: false,
      });
      const elem = valueOf(make(false).virtqueue_pop());
      expect(elem?.out_sg).toEqual([{ addr: BUF, len: 8 }]);
      expect(elem?.in_sg).toEqual([]);
    });

    it('INDIRECT inside an indirect table (QEMU maps it as a plain buffer)', () => {
      const make = (specChecks: boolean) => {
        const r = rig({ specChecks });
        r.ring.writeDesc(0, { addr: BigInt(BUF), len: 48, flags: VRING_DESC_F_INDIRECT, next: 0 }, TABLE);
        r.ring.writeDesc(2, { addr: BigInt(TABLE), len: 16, flags: VRING_DESC_F_INDIRECT, next: 0 });
        r.driver.publish(2);
        return r.vq;
      };
      const e = errorOf(make(true).virtqueue_pop(), 'indirect-nested');
      expect(e).toMatchObject({
        message: `descriptor 0 of the indirect table at 0x${TABLE.toString(16)} sets VRING_DESC_F_INDIRECT`,
        spec: '2.7.5.3.1',
        qemuChecks: false,
      });
      expect(valueOf(make(false).virtqueue_pop())?.out_sg).toEqual([{ addr: BUF, len: 48 }]);
    });
  });
});
