import { FILE_LINKS_PROVIDER } from './file-links.provider';
import { FilesController } from './files.controller';
import { MEDIA_STORE_PROVIDER } from './media-store.provider';

/** GET /files/{filepath}: stored files for their owner's API key and for signed links; the signer every reader uses; the media store. */
export const FILES_FEATURE = { controllers: [FilesController], providers: [FILE_LINKS_PROVIDER, MEDIA_STORE_PROVIDER] };
