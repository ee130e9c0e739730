import { useEffect, useState } from 'react';
import { probeSharedMemory, type SharedMemorySupport } from '../platform/sharedMemoryProbe';

export function App() {
  const [support, setSupport] = useState<SharedMemorySupport | null>(null);
  useEffect(() => {
    let live = true;
    void probeSharedMemory().then((result) => {
      if (live) setSupport(result);
    });
    return () => {
      live = false;
    };
  }, []);

  return (
    <main>
      <h1>virtio visualizer</h1>
      <p>A Linux-style virtio driver and a QEMU-style virtio-blk device, sharing one guest memory.</p>
      <section aria-label="Environment">
        <h2>Environment</h2>
        <p data-testid="shared-memory-status" role="status">
          {support === null
            ? 'Checking shared memory…'
            : support.ok
              ? 'Shared memory between workers: working'
              : `Shared memory between workers: unavailable. ${support.detail}`}
        </p>
      </section>
    </main>
  );
}
