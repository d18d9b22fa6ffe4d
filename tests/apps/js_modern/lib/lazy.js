export default 'lazy default';
export const twice = (n) => n * 2;
