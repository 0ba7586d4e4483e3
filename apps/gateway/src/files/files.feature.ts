import { FILE_LINKS_PROVIDER } from './file-links.provider';
import { FilesController } from './files.controller';

/** GET /files/{filepath}: stored files for their owner's API key and for signed links; the signer every reader uses. */
export const FILES_FEATURE = { controllers: [FilesController], providers: [FILE_LINKS_PROVIDER] };
