// Convene browser SDK: being written. See README.
export default {};
