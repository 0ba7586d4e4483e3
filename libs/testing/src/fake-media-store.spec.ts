import { InvalidKeyError, UploadAbortedError } from '@mda/media-store';
import { FakeMediaStore } from './fake-media-store';
import { waitFor } from './wait-for';

describe('FakeMediaStore', () => {
  it('keeps the MediaStore contract: replace by default, suffix on keepExisting, refuse bad keys', async () => {
    const store = new FakeMediaStore((p) => p.length);
    expect(await store.put('/w/a', 'v/a.mp4')).toEqual({ key: 'v/a.mp4', size: 4 });
    expect(await store.put('/w/bb', 'v/a.mp4')).toEqual({ key: 'v/a.mp4', size: 5 });
    expect((await store.put('/w/c', 'v/a.mp4', { keepExisting: true, suffix: 'id1' })).key).toBe('v/a-id1.mp4');
    await expect(store.put('/w/d', '../out.mp4')).rejects.toBeInstanceOf(InvalidKeyError);
    expect((await store.list('v/')).map((o) => o.key)).toEqual(['v/a-id1.mp4', 'v/a.mp4']);
  });

  it('holds uploads until released; an aborted one leaves nothing', async () => {
    const store = new FakeMediaStore();
    store.holdUploads();
    const first = store.upload('/w/a', 'a.mp4');
    const second = store.upload('/w/b', 'b.mp4');
    (await waitFor(() => store.held[0])).release();
    await first.done;
    await waitFor(() => store.held.length === 2);
    await second.abort();
    await expect(second.done).rejects.toBeInstanceOf(UploadAbortedError);
    expect([...store.objects.keys()]).toEqual(['a.mp4']);
  });
});
