import { FilesController } from './files.controller';

/** GET /files/{filepath}: stored files for API-key holders and signed links. */
export const FILES_FEATURE = { controllers: [FilesController], providers: [] };
