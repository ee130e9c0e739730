/** The typed arrays the history is stored in: a fixed few bytes per event, however long the log. */
export type NumberArray = Uint8Array | Uint16Array | Int16Array | Uint32Array | Int32Array | Float64Array;

interface NumberArrayCtor<A extends NumberArray> {
  new (length: number): A;
}

/** An append-only typed array that doubles when full; `done()` returns exactly the used part. */
export class Growable<A extends NumberArray> {
  private arr: A;
  length = 0;

  constructor(
    private readonly Ctor: NumberArrayCtor<A>,
    capacity = 1024,
  ) {
    this.arr = new Ctor(capacity);
  }

  push(value: number): void {
    if (this.length === this.arr.length) {
      const bigger = new this.Ctor(this.arr.length * 2);
      bigger.set(this.arr as ArrayLike<number>);
      this.arr = bigger;
    }
    this.arr[this.length++] = value;
  }

  get(i: number): number {
    return this.arr[i]!;
  }

  set(i: number, value: number): void {
    this.arr[i] = value;
  }

  /** Bytes held now, spare capacity included. */
  get byteLength(): number {
    return this.arr.byteLength;
  }

  /** A copy trimmed to the used length (its own buffer, so it can be transferred to another thread). */
  done(): A {
    const out = new this.Ctor(this.length);
    out.set(this.arr.subarray(0, this.length) as ArrayLike<number>);
    return out;
  }
}
