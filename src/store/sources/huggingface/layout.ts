// The names a Trainer output folder is made of.
export const CHECKPOINT = /^checkpoint-(\d+)$/;
export const STATE = 'trainer_state.json';
