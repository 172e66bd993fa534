/** The drag-and-drop data type a palette entry carries onto the canvas (its value is the block type id). */
export const BLOCK_TYPE_MIME = 'application/x-tessera-block-type';

/** The drag-and-drop data type of a palette module (its value is the module id). */
export const MODULE_MIME = 'application/x-tessera-module';
