(function(){
  var table=document.getElementById('reports'); if(!table) return;
  var body=table.tBodies[0]; var rows=Array.prototype.slice.call(body.rows);
  function filter(){
    var q=document.getElementById('f-agency').value.trim().toLowerCase();
    var region=document.getElementById('f-region').value;
    var year=document.getElementById('f-year').value;
    var status=document.getElementById('f-status').value; var shown=0;
    rows.forEach(function(r){
      var ok=(!q||r.dataset.agency.toLowerCase().indexOf(q)>=0)&&(!region||r.dataset.region===region)
        &&(!year||r.dataset.year===year)&&(!status||r.dataset.status===status);
      r.hidden=!ok; if(ok) shown++;
    });
    document.getElementById('count').textContent='显示 '+shown+' / '+rows.length+' 条';
  }
  ['f-agency','f-region','f-year','f-status'].forEach(function(id){
    var el=document.getElementById(id); el.addEventListener('input',filter); el.addEventListener('change',filter);
  });
  Array.prototype.forEach.call(table.tHead.rows[0].cells,function(th,i){
    th.addEventListener('click',function(){
      var asc=th.getAttribute('aria-sort')!=='ascending';
      Array.prototype.forEach.call(table.tHead.rows[0].cells,function(h){h.removeAttribute('aria-sort');});
      th.setAttribute('aria-sort',asc?'ascending':'descending');
      var numeric=th.dataset.type==='num';
      rows.sort(function(a,b){
        var x=a.cells[i].dataset.sort, y=b.cells[i].dataset.sort;
        if(x===undefined) x=a.cells[i].textContent; if(y===undefined) y=b.cells[i].textContent;
        if(x===''&&y==='') return 0; if(x==='') return 1; if(y==='') return -1;
        var c=numeric?(parseFloat(x)-parseFloat(y)):x.localeCompare(y,'zh-Hans-CN');
        return asc?c:-c;
      });
      rows.forEach(function(r){body.appendChild(r);});
    });
  });
  filter();
})();
